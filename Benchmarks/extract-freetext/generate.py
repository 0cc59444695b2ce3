#!/usr/bin/env python3
"""Write a police-style raw export dominated by long quoted free-text notes (deterministic):
two notes columns of several hundred bytes to a few kilobytes each, with embedded CRLF
line breaks, doubled quotes, commas and the odd non-ASCII character (’, £, é), CRLF line
endings, at least SIZE_MB megabytes.

    generate.py PATH [SIZE_MB]      (default 250)

The few short columns the manifest keeps are a small share of the bytes: the notes, which
extract drops, are nearly all of them (issue 19 item 0).
"""
import random, sys

SENTENCES = [
    'Victim states she was approached by the suspect outside the venue at approx 23:15',
    'Suspect said "you are coming with me" and took hold of her arm, she pulled away',
    'Officer attended at 00:40, victim distressed, friend present throughout',
    'Witness (neighbour, flat 3) heard shouting, a door slam and "get off me" twice',
    'CCTV requested from the premises, the taxi rank and the bus station; awaiting',
    'Victim did not wish to provide a first account on scene, ABE interview booked',
    'Suspect known to victim via social media; messages screenshotted, exhibit RB/1',
    'ISVA referral made with consent, leaflet given, victim\u2019s mother informed',
    'Forensic medical examination at the SARC, samples taken, exhibits sealed',
    'Suspect arrested 14:20, interviewed, "no comment" to all questions, RUI',
    'Phone download requested; victim concerned about privacy, explained the process',
    'Damage to the door estimated at \u00a3240, photographs taken, item 4 on the log',
    'Victim moved to a refuge, new address not to be disclosed, marker placed',
    'CPS early advice sought, file reviewed, further enquiries listed below',
    'Caf\u00e9 staff statement obtained; she says the pair left together, "arguing loudly"',
    'Victim withdrew support, reasons recorded, safeguarding remains in place',
]
FORENAMES = ["Jane", "Zo\u00eb", "Mary-Ann", "Amira", "Kate", "Sarah", "Emily", "Chloe", "Aisha", "Megan"]
SURNAMES = ["Smith", "Jones", "O'Brien", "Smith-Jones", "Nowak", "Khan", "Patel", "Taylor", "Brown", "Wilson"]
OUTCOMES = ["1", "14", "15", "16", "18"]

def notes(rng, low, high):
    """Sentences joined by ", " or ". ", with CRLF paragraph breaks, quoted for CSV."""
    parts = []
    for _ in range(rng.randint(low, high)):
        parts.append(rng.choice(SENTENCES))
        parts.append(rng.choice([". ", ", ", ".\r\n", ".\r\n\r\n", "; "]))
    text = "".join(parts)
    return '"' + text.replace('"', '""') + '"'

def main(path, size_mb):
    rng = random.Random(20261203)
    target = size_mb * 1_000_000
    written = 0
    with open(path, "w", encoding="utf-8", newline="") as out:
        header = ("crimeref,victim_forename,victim_surname,victim_dob,victim_postcode,oic_name,"
                  "mo_notes,date_reported,outcome_code,investigation_log\r\n")
        out.write(header)
        written += len(header)
        row = 0
        block = []
        while written < target:
            row += 1
            line = "42/%06d/%02d,%s,%s,%02d/%02d/%04d,SS%d %d%s,PC %s,%s,%02d/%02d/%04d,%s,%s\r\n" % (
                row % 1000000, rng.randint(15, 24), rng.choice(FORENAMES), rng.choice(SURNAMES),
                rng.randint(1, 28), rng.randint(1, 12), rng.randint(1950, 2004),
                rng.randint(1, 17), rng.randint(1, 9), rng.choice(["AA", "BQ", "XZ"]),
                rng.choice(SURNAMES), notes(rng, 3, 12),
                rng.randint(1, 28), rng.randint(1, 12), rng.randint(2015, 2024), rng.choice(OUTCOMES),
                notes(rng, 4, 24))
            block.append(line)
            written += len(line.encode("utf-8"))
            if len(block) >= 5000:
                out.write("".join(block))
                block = []
        out.write("".join(block))

if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else 250)
