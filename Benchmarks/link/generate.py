#!/usr/bin/env python3
"""Synthetic pseudonymised inputs for the `pathlink link` benchmark (stdlib only).

Writes support-service.cases and police.crimes token files (32-hex tokens) with
pseudonymise-style receipts beside them. Persons overlap realistically: about 40% of
police victims also used the support service, 10% of people return with a second case,
half of the shared cases carry the crime reference, and 4% of records lack a postcode
(no MK1 / MK4), 2% have a misspelt forename (only MK4 can match).
"""
import hashlib, json, os, random, sys

def main(folder, support_rows, police_rows, seed=2026):
    rng = random.Random(seed)
    hexa = lambda: '%032x' % rng.getrandbits(128)
    os.makedirs(folder, exist_ok=True)
    persons = int((support_rows + police_rows) * 0.62)
    shared_start = int(persons * 0.45)          # support: [0, 0.75P), police: [0.45P, P)
    support_end = int(persons * 0.75)
    tokens = {}
    def person_tokens(p):
        t = tokens.get(p)
        if t is None:
            t = tokens[p] = [hexa(), hexa(), hexa(), hexa()]   # MK1, MK2, MK4, CK1
        return t
    crimes = {}
    def write(dataset, rows, first, last, date_column, extra_column, extras):
        path = os.path.join(folder, dataset + '.tokens.csv')
        with open(path, 'w', newline='') as f:
            f.write(','.join(['record_token', 'crimeref', 'MK1', 'MK2', 'MK4', 'CK1', date_column, extra_column, 'age_band']) + '\r\n')
            for _ in range(rows):
                p = rng.randrange(first, last)
                mk1, mk2, mk4, ck1 = person_tokens(p)
                if rng.random() < 0.04: mk1 = mk4 = ''
                if rng.random() < 0.02: mk1, mk2 = hexa(), hexa()
                crime = ''
                if dataset == 'police.crimes':
                    crime = hexa(); crimes.setdefault(p, crime)
                elif p in crimes and rng.random() < 0.5:
                    crime = crimes[p]
                date = '%04d-%02d' % (rng.randrange(2015, 2025), rng.randrange(1, 13))
                f.write(','.join([hexa(), crime, mk1, mk2, mk4, ck1, date, rng.choice(extras),
                                  rng.choice(['18-24', '25-34', '35-44', '45-54', '55-64'])]) + '\r\n')
        digest = hashlib.sha256(open(path, 'rb').read()).hexdigest()
        receipt = {
            'receipt': 1, 'stage': 'pseudonymise', 'dataset': dataset,
            'tool': {'name': 'benchmark-generator', 'version': '0', 'token_derivation': 1},
            'documents': [], 'inputs': [], 'excluded': [], 'counts': {}, 'warnings': [],
            'outputs': [{'path': os.path.basename(path), 'sha256': digest, 'rows': rows}],
            'columns': [
                {'name': 'record_token', 'class': 'identifier', 'action': 'tokenised', 'domain': dataset.split('.')[0] + '-record', 'identifies': 'record'},
                {'name': 'crimeref', 'class': 'identifier', 'action': 'tokenised', 'domain': 'crime-reference'},
                {'name': 'MK1', 'class': 'matchkey', 'action': 'derived', 'domain': 'person/MK1'},
                {'name': 'MK2', 'class': 'matchkey', 'action': 'derived', 'domain': 'person/MK2'},
                {'name': 'MK4', 'class': 'matchkey', 'action': 'derived', 'domain': 'person/MK4'},
                {'name': 'CK1', 'class': 'confirmkey', 'action': 'derived', 'domain': 'person/CK1'},
                {'name': date_column, 'class': 'quasi', 'action': 'generalised', 'generalise': 'month'},
                {'name': extra_column, 'class': 'attribute', 'action': 'kept'},
                {'name': 'age_band', 'class': 'derived', 'action': 'derived'},
            ],
            'started': '2026-01-01T00:00:00Z', 'finished': '2026-01-01T00:00:00Z',
        }
        with open(path + '.receipt.json', 'w') as f:
            json.dump(receipt, f, indent=2)
    # Police first, so that support cases can carry the crime references of shared persons.
    write('police.crimes', police_rows, shared_start, persons, 'date_reported', 'outcome', ['1', '14', '15', '16', '18'])
    write('support-service.cases', support_rows, 0, support_end, 'referraldate', 'role', ['Primary', 'Primary', 'Primary', 'Secondary'])
    with open(os.path.join(folder, 'linkage.yaml'), 'w') as f:
        f.write("""linkage: 1
project: benchmark
person:
  matchkeys:
    - {name: MK1, fields: [forename, surname, date-of-birth, postcode]}
    - {name: MK2, fields: [forename, surname, date-of-birth]}
    - {name: MK4, fields: [surname, date-of-birth-unordered, postcode]}
  confirmkeys:
    - {name: CK1, fields: [date-of-birth-unordered]}
links:
  - {from: support-service.cases, to: police.crimes, by: [crime-reference, person], confirm: [CK1, MK2]}
output:
  spine: support-service.cases
  attach:
    police.crimes: {nearest: {spine: referraldate, other: date_reported}}
""")

if __name__ == '__main__':
    main(sys.argv[1], int(sys.argv[2]), int(sys.argv[3]))
