#!/usr/bin/env python3
"""The baseline a data team would write: Python's csv module doing the projection of
manifest.yaml (drop the officer's name and both notes columns, month of the report date,
closed outcome list)."""
import csv, sys

def main(src, dst):
    outcomes = {"1", "14", "15", "16", "18"}
    with open(src, encoding="utf-8-sig", newline="") as f, open(dst, "w", encoding="utf-8", newline="") as out:
        reader = csv.reader(f)
        writer = csv.writer(out)
        header = next(reader)
        i = {name: n for n, name in enumerate(header)}
        keep = [i[name] for name in ("crimeref", "victim_forename", "victim_surname", "victim_dob", "victim_postcode")]
        reported, outcome = i["date_reported"], i["outcome_code"]
        writer.writerow(["crimeref", "victim_forename", "victim_surname", "victim_dob", "victim_postcode",
                         "date_reported", "outcome_code"])
        for row in reader:
            if row[outcome] not in outcomes:
                raise SystemExit("bad outcome")
            d, m, y = row[reported].split("/")
            writer.writerow([row[k] for k in keep] + ["%04d-%02d" % (int(y), int(m)), row[outcome]])

if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
