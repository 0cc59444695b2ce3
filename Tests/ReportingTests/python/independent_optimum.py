#!/usr/bin/env python3
"""The cheapest suppression pattern of a release, found by an integer program that shares
no code with Pathlink's protector (issue 15, "Done when": near-optimal suppression).

Reads one JSON problem on stdin (written by IndependentOptimumTests: the release's
microdata, table definitions, policy and released pattern) and writes one JSON answer.

The reader model and the protection rules are those of governance/disclosure-control.md,
written again here from their description:
  * unknowns: the persons (or records) in each class of combinations that no table tells
    apart; the combinations a reader cannot rule out are every combination of the atom
    variables' categories (with its recodes) when there are at most 4,096, else the
    observed ones plus, per table, the first possible combination in each interior cell
    found by walking the categories of the variables the table reads;
  * a published cell is an equation (its value); a hidden cell is no equation, but, zeros
    being published, a hidden count other than a zero hidden against class disclosure is
    at least 1 (the dual values of these inequalities take no part in the cuts: publishing
    such a cell instead only tightens them);
  * sensitive forms, each of which must be able to reach its level in the linear relaxation
    (the largest value a reader can give it, unknowns >= 0): every cell counting 1 to
    threshold-1 units (level threshold + protection margin); every difference of two nested
    cells counting 1 to threshold-1 units that is not itself a cell, and every such
    sub-population made of three cells (x - y - z, x + y - z; same level); and, in a
    line whose one occupied cell would tell everyone's category, the zeros hidden there
    together (level 1);
  * primary cells and those hidden zeros are hidden; zeros are published (policy
    `zeros: show`), so they are never complements; structural zeros are published.
The protector also audits small systems in whole numbers (which sees more than the linear
relaxation); this program does not, so its optimum is a LOWER BOUND on the optimum under
the protector's full rules (a ratio against it can only overstate the gap).

Method: a master integer program over one binary per cell that may be hidden (HiGHS,
through scipy.optimize.milp, minimising persons then cells, or cells then persons) and
cutting planes from the linear programs of the attacker (HiGHS, scipy.optimize.linprog):
when a sensitive form cannot reach its level, the published cells with a non-zero dual
value are the only ones whose hiding can raise its maximum, so one of them must be hidden
(valid for every pattern, whichever pattern's program gave the dual values).
At convergence the master's pattern protects every form, and no cheaper pattern does.
"""
import itertools
import json
import os
import sys
import time

import numpy as np
from scipy.optimize import LinearConstraint, linprog, milp
from scipy.sparse import csr_matrix

TOTAL = "Total"
EXHAUSTIVE_LIMIT = 4096
WALK_LIMIT = 65536
GROUP_SEARCH_BUDGET = 4_000_000
LIFTS = 8
# Seconds each of the two searches may take (PATHLINK_OPTIMUM_SECONDS); past it the last
# master's pattern is reported as a lower bound ("proven": false), not as the optimum.
SECONDS = float(os.environ.get("PATHLINK_OPTIMUM_SECONDS", "60"))
VERBOSE = len(sys.argv) > 1 and sys.argv[1] == "-v"


def main():
    problem = json.load(sys.stdin)
    threshold = problem["policy"]["threshold"]
    zeros_shown = problem["policy"].get("zeros", "show") == "show"
    level = threshold + problem["policy"].get("protection_margin", 0)
    variables = problem["variables"]
    universes = problem["universes"]
    derived = problem["derived"]
    position = {name: i for i, name in enumerate(variables)}
    maps = [{tuple(k): v for k, v in d["categories"]} for d in derived]
    names = variables + [d["name"] for d in derived]
    index_of = {name: i for i, name in enumerate(names)}

    def extend(combination):
        out = list(combination)
        for d, mapping in zip(derived, maps):
            key = tuple(combination[position[s]] for s in d["sources"])
            if key not in mapping:
                return None
            out.append(mapping[key])
        return tuple(out)

    tables = problem["tables"]

    def interior(table, combination):
        for var, allowed in table["filter"].items():
            if combination[index_of[var]] not in allowed:
                return None
        cell = []
        for dim, cats in zip(table["dimensions"], table["categories"]):
            category = combination[index_of[dim]]
            if category not in cats:
                return None
            cell.append(category)
        return tuple(cell)

    def reads(table):
        read = set()
        for name in table["dimensions"] + sorted(table["filter"].keys()):
            if name in position:
                read.add(position[name])
            else:
                for d in derived:
                    if d["name"] == name:
                        read.update(position[s] for s in d["sources"])
        return sorted(read)

    present = []
    for combination, count in problem["counts"]:
        if count <= 0:
            continue
        extended = extend(combination)
        if extended is None:
            raise SystemExit("a unit's combination has no category of a recode")
        present.append((extended, count))
    present.sort(key=lambda entry: entry[0][:len(variables)])
    empty = []
    product = 1
    for universe in universes:
        product *= max(len(universe), 1)
        if product > EXHAUSTIVE_LIMIT:
            break
    if product <= EXHAUSTIVE_LIMIT:
        for combination in itertools.product(*universes):
            extended = extend(combination)
            if extended is not None:
                empty.append(extended)
    else:
        base = list(present[0][0][:len(variables)]) if present else [u[0] if u else "" for u in universes]
        for table in tables:
            structural = {tuple(z) for z in table["structural"]}
            walk, walked = [], 1
            for v in reads(table):
                walked *= max(len(universes[v]), 1)
                if walked > WALK_LIMIT:
                    break
                walk.append(v)
            seen = set()
            for values in itertools.product(*[universes[v] for v in walk]):
                combination = list(base)
                for v, value in zip(walk, values):
                    combination[v] = value
                extended = extend(combination)
                if extended is None:
                    continue
                cell = interior(table, extended)
                if cell is None or cell in structural or cell in seen:
                    continue
                seen.add(cell)
                empty.append(extended)

    # Classes: combinations no table tells apart.
    class_of, values = {}, []
    for combination, count in present + [(c, 0) for c in empty]:
        signature = tuple(interior(t, combination) for t in tables)
        if all(s is None for s in signature):
            continue
        if signature not in class_of:
            class_of[signature] = len(values)
            values.append(0)
        values[class_of[signature]] += count
    signatures = list(class_of.keys())

    # Cells, in the release's order, with their forms (sets of classes) and true counts.
    cells = []  # (table index, coordinates, form frozenset, value, status)
    cell_at = {}
    for t, released in enumerate(problem["release"]):
        for cell in released["cells"]:
            cell_at[(t, tuple(cell["coordinates"]))] = len(cells)
            cells.append([t, tuple(cell["coordinates"]), set(), 0, cell["status"]])
    for j, signature in enumerate(signatures):
        for t, inside in enumerate(signature):
            if inside is None:
                continue
            for mask in range(1 << len(inside)):
                coordinates = tuple(TOTAL if mask >> d & 1 else c for d, c in enumerate(inside))
                i = cell_at.get((t, coordinates))
                if i is not None:
                    cells[i][2].add(j)
    cells = [(t, coordinates, frozenset(form), sum(values[j] for j in form), status)
             for t, coordinates, form, _, status in cells]
    zero_keys = {(z[0], tuple(z[1])) for z in problem["zeros"]}
    ids = [t["id"] for t in tables]

    primary = [i for i, c in enumerate(cells) if c[4] != "structural" and 0 < c[3] < threshold]
    hidden_zeros = [i for i, c in enumerate(cells) if (ids[c[0]], c[1]) in zero_keys]
    fixed_hidden = set(primary) | set(hidden_zeros)
    free = [i for i, c in enumerate(cells) if i not in fixed_hidden and c[4] != "structural" and c[3] >= threshold]
    column = {cell: k for k, cell in enumerate(free)}

    # Sensitive forms and their levels.
    forms = {c[2] for c in cells if c[2]}
    sensitive = {}
    for i in primary:
        sensitive[cells[i][2]] = max(sensitive.get(cells[i][2], 0), level)
    by_value = {}
    for c in cells:
        if c[2]:
            by_value.setdefault(c[3], []).append(c)
    for outer in cells:
        for smaller in range(max(0, outer[3] - threshold + 1), outer[3]):
            for inner in by_value.get(smaller, []):
                if inner[2] < outer[2]:
                    difference = outer[2] - inner[2]
                    if difference not in forms:
                        sensitive[difference] = max(sensitive.get(difference, 0), level)
    # Sub-populations of three cells: x - y - z (y, z disjoint inside x) and x + y - z
    # (x and y overlapping inside z, z inside their union), within the same budget of
    # comparisons as the protector's documented search (a count, so the result is fixed).
    budget = GROUP_SEARCH_BUDGET
    first_class = [min(c[2]) if c[2] else -1 for c in cells]
    cells_of_class = {}
    for i, c in enumerate(cells):
        for j in c[2]:
            cells_of_class.setdefault(j, []).append(i)

    def add_group(form, value):
        if form and form not in forms and 0 < value < threshold:
            sensitive[form] = max(sensitive.get(form, 0), level)

    for x, cell in enumerate(cells):
        if len(cell[2]) <= 1 or budget <= 0:
            continue
        inside = []
        for j in sorted(cell[2]):
            for y in cells_of_class[j]:
                if y != x and first_class[y] == j and 0 < cells[y][3] < cell[3] and cells[y][2] <= cell[2]:
                    inside.append(y)
        for a, y in enumerate(inside):
            for z in inside[a + 1:]:
                budget -= 1
                value = cell[3] - cells[y][3] - cells[z][3]
                if 0 < value < threshold and not (cells[y][2] & cells[z][2]):
                    add_group(cell[2] - cells[y][2] - cells[z][2], value)
    for z, cell in enumerate(cells):
        if not cell[2] or budget <= 0:
            continue
        near = set()
        for j in cell[2]:
            near.update(cells_of_class[j])
        near.discard(z)
        around = sorted(near)
        for a, x in enumerate(around):
            for y in around[a + 1:]:
                budget -= 1
                value = cells[x][3] + cells[y][3] - cell[3]
                if not 0 < value < threshold:
                    continue
                both, either = cells[x][2] & cells[y][2], cells[x][2] | cells[y][2]
                if both <= cell[2] <= either:
                    add_group((either - cell[2]) | both, value)

    # Lines: cells along one dimension with the others fixed, and their total.
    lines = []  # (members, total)
    by_table = {}
    for i, c in enumerate(cells):
        by_table.setdefault(c[0], []).append(i)
    for t, members in by_table.items():
        for d in range(len(tables[t]["dimensions"])):
            groups = {}
            for i in members:
                rest = cells[i][1][:d] + ("*",) + cells[i][1][d + 1:]
                groups.setdefault(rest, []).append(i)
            for group in groups.values():
                totals = [i for i in group if cells[i][1][d] == TOTAL]
                if len(totals) == 1:
                    lines.append(([i for i in group if i != totals[0]], totals[0]))
    zero_set = set(hidden_zeros)
    for members, total in lines:
        members = [i for i in members if cells[i][4] != "structural"]
        occupied = [i for i in members if cells[i][3] > 0]
        zeros = [i for i in members if i in zero_set]
        if len(occupied) == 1 and cells[total][3] > 0 and zeros:
            form = frozenset().union(*[cells[i][2] for i in zeros])
            if form:
                sensitive[form] = max(sensitive.get(form, 0), 1)

    persons = [cells[i][3] for i in free]
    n = len(free)
    sensitive_list = sorted(sensitive.items(), key=lambda item: (sorted(item[0]), item[1]))

    def maximum(hidden, form):
        """The largest value of `form` given the published cells; (value, binding cells)."""
        rows = [i for i, c in enumerate(cells) if not hidden[i] and c[2]]
        data, row_index, col_index = [], [], []
        for r, i in enumerate(rows):
            for j in cells[i][2]:
                data.append(1.0)
                row_index.append(r)
                col_index.append(j)
        A = csr_matrix((data, (row_index, col_index)), shape=(len(rows), len(values)))
        b = np.array([cells[i][3] for i in rows], dtype=float)
        # Zeros are published, so a reader knows each hidden count that is not a zero
        # hidden against class disclosure holds someone: at least 1.
        at_least_one = [i for i, c in enumerate(cells) if hidden[i] and c[2] and c[3] > 0 and zeros_shown]
        data, row_index, col_index = [], [], []
        for r, i in enumerate(at_least_one):
            for j in cells[i][2]:
                data.append(-1.0)
                row_index.append(r)
                col_index.append(j)
        A_ub = csr_matrix((data, (row_index, col_index)), shape=(len(at_least_one), len(values))) if at_least_one else None
        b_ub = -np.ones(len(at_least_one)) if at_least_one else None
        objective = np.zeros(len(values))
        for j in form:
            objective[j] = -1.0
        result = linprog(objective, A_ub=A_ub, b_ub=b_ub, A_eq=A, b_eq=b, bounds=(0, None), method="highs")
        if result.status == 3:
            return float("inf"), []
        if result.status != 0:
            raise SystemExit(f"attacker LP failed: {result.message}")
        duals = result.eqlin.marginals
        return -result.fun, [rows[r] for r in range(len(rows)) if abs(duals[r]) > 1e-9]

    def hidden_of(pattern):
        hidden = [False] * len(cells)
        for i in fixed_hidden:
            hidden[i] = True
        for k, i in enumerate(free):
            if pattern[k]:
                hidden[i] = True
        return hidden

    def solve(first):
        """The cheapest pattern: persons then cells (first = 'persons') or cells then persons."""
        cells_weight = np.ones(n)
        persons_weight = np.array(persons, dtype=float)
        if first == "persons":
            weights = persons_weight * (n + 1) + cells_weight
        else:
            weights = cells_weight * (sum(persons) + 1) + persons_weight
        cuts = set()
        # Start: a primary cell alone in a line of published cells is pinned by the line.
        primary_set = set(primary)
        for members, total in lines:
            line = members + [total]
            for k in line:
                if k not in primary_set:
                    continue
                others = [i for i in line if i != k]
                if any(i in fixed_hidden for i in others):
                    continue
                cut = frozenset(column[i] for i in others if i in column)
                if not cut:
                    return None
                cuts.add(cut)
        rounds = 0
        deadline = time.monotonic() + SECONDS
        while True:
            rounds += 1
            if cuts:
                ordered = sorted(sorted(c) for c in cuts)
                data = [1.0] * sum(len(c) for c in ordered)
                rows = [r for r, c in enumerate(ordered) for _ in c]
                cols = [k for c in ordered for k in c]
                A = csr_matrix((data, (rows, cols)), shape=(len(ordered), n))
                constraints = [LinearConstraint(A, lb=1, ub=np.inf)]
            else:
                constraints = []
            result = milp(weights, constraints=constraints, integrality=np.ones(n), bounds=(0, 1),
                          options={"mip_rel_gap": 0})
            if result.status != 0:
                return None
            pattern = [x > 0.5 for x in result.x]
            if time.monotonic() > deadline:
                # The master's optimum under the cuts so far bounds every protecting
                # pattern's cost from below: its first measure is a lower bound.
                chosen = [free[k] for k in range(n) if pattern[k]]
                return {"cells": len(chosen), "persons": sum(cells[i][3] for i in chosen), "rounds": rounds,
                        "cuts": len(cuts), "proven": False}
            hidden = hidden_of(pattern)
            added = 0
            for form, required in sensitive_list:
                # A cut from the dual of any pattern's program is valid for every pattern,
                # so after each cut the cheapest cell of it is hidden on trial and the form
                # separated again: a few cuts per form per round, far fewer rounds.
                trial = list(hidden)
                for _ in range(LIFTS):
                    value, binding = maximum(trial, form)
                    if value >= required - 1e-6:
                        break
                    cut = frozenset(column[i] for i in binding if i in column)
                    if not cut:
                        return None
                    if cut not in cuts:
                        cuts.add(cut)
                        added += 1
                    trial[free[min(cut, key=lambda k: (weights[k], k))]] = True
            if VERBOSE:
                print(f"{first} round {rounds}: {added} cuts added, {len(cuts)} in all", file=sys.stderr)
            if added == 0:
                chosen = [free[k] for k in range(n) if pattern[k]]
                return {"cells": len(chosen), "persons": sum(cells[i][3] for i in chosen), "rounds": rounds, "cuts": len(cuts),
                        "proven": True, "hidden": [[ids[cells[i][0]], list(cells[i][1]), cells[i][3]] for i in chosen]}

    # The released pattern, judged by the same rules.
    released_hidden = [c[4] == "suppressed" for c in cells]
    unprotected = [sorted(form) for form, required in sensitive_list if maximum(released_hidden, form)[0] < required - 1e-6]
    secondary = [i for i in range(len(cells)) if released_hidden[i] and i not in fixed_hidden]
    answer = {
        "method": problem.get("method"),
        "classes": len(values),
        "cells": len(cells),
        "sensitive_forms": len(sensitive_list),
        "primary": {"cells": len(fixed_hidden), "persons": sum(cells[i][3] for i in fixed_hidden)},
        "released_secondary": {"cells": len(secondary), "persons": sum(cells[i][3] for i in secondary)},
        "released_unprotected_forms": len(unprotected),
        "released_hidden": [[ids[cells[i][0]], list(cells[i][1]), cells[i][3]] for i in secondary],
        "released_primary_matches": sorted(i for i in range(len(cells)) if released_hidden[i] and i in fixed_hidden) == sorted(fixed_hidden),
        "optimum_persons_first": solve("persons"),
        "optimum_cells_first": solve("cells"),
    }
    json.dump(answer, sys.stdout, sort_keys=True)


if __name__ == "__main__":
    main()
