#!/usr/bin/env python3
"""The baseline a data team would write: Python's csv module doing the same projection
as `pathlink extract` with manifest.yaml (consent filter, adults only, drop direct and
free text, month of the report date, closed outcome list, age band)."""
import csv, sys
from datetime import date

BANDS = [(18, "Under 18"), (25, "18-24"), (35, "25-34"), (45, "35-44"), (55, "45-54"), (65, "55-64"), (75, "65-74")]

def parse(text):
    try:
        d, m, y = text.split("/")
        return date(int(y), int(m), int(d))
    except ValueError:
        return None

def age(birth, at):
    return at.year - birth.year - ((at.month, at.day) < (birth.month, birth.day))

def band(years):
    for limit, label in BANDS:
        if years < limit:
            return label
    return "75+"

def main(src, dst):
    outcomes = {"1", "14", "15", "16", "18"}
    with open(src, encoding="utf-8-sig", newline="") as f, open(dst, "w", encoding="utf-8", newline="") as out:
        reader = csv.reader(f)
        writer = csv.writer(out)
        header = next(reader)
        i = {name: n for n, name in enumerate(header)}
        writer.writerow(["crimeref", "victim_forename", "victim_surname", "victim_dob", "victim_postcode",
                         "consent_to_share", "date_reported", "outcome_code", "age_band"])
        for row in reader:
            if row[i["consent_to_share"]] != "Yes":
                continue
            birth, at = parse(row[i["victim_dob"]]), parse(row[i["date_reported"]])
            if birth is None or at is None or age(birth, at) < 18:
                continue
            if row[i["outcome_code"]] not in outcomes:
                raise SystemExit("bad outcome")
            writer.writerow([row[i["crimeref"]], row[i["victim_forename"]], row[i["victim_surname"]], row[i["victim_dob"]],
                             row[i["victim_postcode"]], row[i["consent_to_share"]], "%04d-%02d" % (at.year, at.month),
                             row[i["outcome_code"]], band(age(birth, at))])

if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
