#!/usr/bin/env python3
"""Baseline for the link benchmark: the equivalent exact joins in plain Python (stdlib).

Reads both token files with the csv module; joins on the crime reference; groups each
side by MK1 (within-dataset persons); then for MK1, MK2, MK4 in turn joins the not-yet
linked records on tokens unique on both sides. No re-keying, no research ids, no output
files: a lower bound on what the same joins cost in Python dicts.
"""
import csv, sys

def read(path):
    with open(path, newline='') as f:
        reader = csv.reader(f)
        header = next(reader)
        index = {name: i for i, name in enumerate(header)}
        return index, [row for row in reader]

def main(folder):
    si, support = read(folder + '/support-service.cases.tokens.csv')
    pi, police = read(folder + '/police.crimes.tokens.csv')
    by_crime = {}
    for n, row in enumerate(police):
        by_crime.setdefault(row[pi['crimeref']], []).append(n)
    reference_pairs = sum(len(by_crime.get(row[si['crimeref']], ())) for row in support if row[si['crimeref']])
    linked_s, linked_p, person_links = set(), set(), 0
    for key in ['MK1', 'MK2', 'MK4']:
        left, right = {}, {}
        for n, row in enumerate(support):
            if n not in linked_s and row[si[key]]: left.setdefault(row[si[key]], []).append(n)
        for n, row in enumerate(police):
            if n not in linked_p and row[pi[key]]: right.setdefault(row[pi[key]], []).append(n)
        for token, rows in left.items():
            other = right.get(token)
            if other and len(rows) == 1 and len(other) == 1:
                linked_s.add(rows[0]); linked_p.add(other[0]); person_links += 1
    print(f'baseline: {reference_pairs} reference pairs, {person_links} unique match-key links', file=sys.stderr)

if __name__ == '__main__':
    main(sys.argv[1])
