#!/usr/bin/env python3
"""The baseline a data team would write: Python's csv + hmac doing the pseudonymisation
`pathlink pseudonymise` does with Benchmarks/extract/manifest.yaml and plan.yaml
(governance/token-specification.md, v1, simplified: no title removal, no placeholder list).

    baseline.py KEYFILE EXTRACT.csv OUT.csv
"""
import csv, hashlib, hmac, sys, unicodedata

SPECIAL = str.maketrans({"Ł": "L", "ł": "l", "Ø": "O", "ø": "o", "Æ": "AE", "æ": "ae", "Œ": "OE", "œ": "oe",
                         "Đ": "D", "đ": "d", "ß": "SS", "Þ": "TH", "þ": "th", "Ð": "D", "ð": "d", "ı": "I"})

def name(value):
    value = unicodedata.normalize("NFKD", value.translate(SPECIAL))
    return "".join(c for c in value.upper() if "A" <= c <= "Z")

def dob(value):
    try:
        d, m, y = value.strip().split("/")
        return "%04d%02d%02d" % (int(y), int(m), int(d)), int(d), int(m), int(y)
    except ValueError:
        return None

def postcode(value):
    value = "".join(c for c in value.upper() if c.isascii() and c.isalnum())
    return value if 5 <= len(value) <= 7 else ""

def main(keyfile, src, dst):
    key = bytes.fromhex(open(keyfile).read().strip())
    domain = lambda d: hmac.new(key, ("pathlink/1/benchmark/" + d).encode(), hashlib.sha256).digest()
    keys = {d: domain(d) for d in ["crime-reference", "person/MK1", "person/MK2", "person/MK4", "person/CK1"]}
    def token(d, value):
        return hmac.new(keys[d], value.encode(), hashlib.sha256).hexdigest()[:32] if value else ""
    with open(src, encoding="utf-8", newline="") as f, open(dst, "w", encoding="utf-8", newline="") as out:
        reader = csv.reader(f)
        writer = csv.writer(out)
        header = next(reader)
        i = {n: k for k, n in enumerate(header)}
        writer.writerow(["crimeref", "consent_to_share", "date_reported", "outcome_code", "age_band", "MK1", "MK2", "MK4", "CK1"])
        for row in reader:
            fore, sur = name(row[i["victim_forename"]]), name(row[i["victim_surname"]])
            birth = dob(row[i["victim_dob"]])
            post = postcode(row[i["victim_postcode"]])
            date, unordered = "", ""
            if birth:
                date = birth[0]
                unordered = "%04d%02d%02d" % (birth[3], min(birth[1], birth[2]), max(birth[1], birth[2]))
            join = lambda *parts: "\x1f".join(parts) if all(parts) else ""
            writer.writerow([token("crime-reference", " ".join(row[i["crimeref"]].split()).upper()),
                             row[i["consent_to_share"]], row[i["date_reported"]], row[i["outcome_code"]], row[i["age_band"]],
                             token("person/MK1", join(fore, sur, date, post)), token("person/MK2", join(fore, sur, date)),
                             token("person/MK4", join(sur, unordered, post)), token("person/CK1", unordered)])

if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], sys.argv[3])
