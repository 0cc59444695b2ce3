#!/usr/bin/env python3
"""An independent, standard-library-only recomputation of Pathlink token derivation v1.

Written from governance/token-specification.md, not from the Swift code, so that the
specification and the implementation can be checked against each other:

  pathlink_tokens.py vectors FILE
      recompute every case of a token-vector file; exit 1 on any difference.
  pathlink_tokens.py extend SHARED EXTRA OUT
      write OUT = SHARED's cases + EXTRA's cases (raw inputs only) with normalised
      values, domain keys and tokens filled in.
  pathlink_tokens.py check SPEC.json EXTRACT.csv OUTPUT.csv [--every N]
      recompute the tokens of every N-th row of EXTRACT.csv and compare them with the
      pseudonymised OUTPUT.csv, column by column; exit 1 on any difference.

Only hmac, hashlib, unicodedata, re, csv and json are used.
"""
import csv
import hashlib
import hmac
import json
import re
import sys
import unicodedata

SEPARATOR = "\u001f"
PLACEHOLDERS = {"", "UNKNOWN", "NOT KNOWN", "N/A", "NA", "-9", "NO NAME"}
TITLES = {"MR", "MRS", "MS", "MISS", "MX", "DR", "PROF", "SIR", "LADY", "REV", "JR", "SR", "II", "III", "IV"}
WHOLE = {"Ł": "L", "ł": "l", "Ø": "O", "ø": "o", "Æ": "AE", "æ": "ae", "Œ": "OE", "œ": "oe",
         "Đ": "D", "đ": "d", "Ħ": "H", "ħ": "h", "Ŧ": "T", "ŧ": "t", "Ŋ": "N", "ŋ": "n",
         "ı": "i", "Þ": "TH", "þ": "th", "Ð": "D", "ð": "d", "ß": "ss", "ẞ": "SS"}
POSTCODE = re.compile(r"[A-Z]{1,2}[0-9][A-Z0-9]?[0-9][A-Z]{2}", re.ASCII)
# The White_Space property (Unicode PropList.txt).
WHITE_SPACE = set("\u0009\u000a\u000b\u000c\u000d\u0020\u0085\u00a0\u1680"
                  "\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a"
                  "\u2028\u2029\u202f\u205f\u3000")

NICKNAMES = {}
for canonical, variants in [
    ("ABIGAIL", ["ABBY", "ABBIE", "ABI"]),
    ("ANTHONY", ["TONY", "ANTONY"]),
    ("DANIEL", ["DAN", "DANNY"]),
    ("DEBORAH", ["DEBBIE", "DEBBY", "DEB", "DEBRA"]),
    ("ELIZABETH", ["LIZ", "LIZZIE", "LIZZY", "BETH", "BETTY", "BESS", "ELIZA", "LIZA", "ELISABETH"]),
    ("JACQUELINE", ["JACKIE", "JACKY"]),
    ("JAMES", ["JIM", "JIMMY", "JAMIE"]),
    ("JENNIFER", ["JEN", "JENNY", "JENNI"]),
    ("JESSICA", ["JESS"]),
    ("JOSEPH", ["JOE", "JOEY"]),
    ("KATHERINE", ["KATE", "KATIE", "KATY", "KATHY", "KATHRYN", "CATHERINE", "CATHY", "KAT"]),
    ("MARGARET", ["MAGGIE", "MEG", "PEGGY", "MADGE"]),
    ("MATTHEW", ["MATT"]),
    ("MICHAEL", ["MIKE", "MICK", "MICKY", "MIKEY"]),
    ("NICHOLAS", ["NICK"]),
    ("REBECCA", ["BECKY", "BECCA", "BEX"]),
    ("RICHARD", ["RICK", "RICKY", "DICK", "RICH", "RICHIE"]),
    ("ROBERT", ["BOB", "BOBBY", "ROB", "ROBBIE"]),
    ("STEPHEN", ["STEVE", "STEVIE", "STEVEN"]),
    ("SUSAN", ["SUE", "SUSIE", "SUZY"]),
    ("THOMAS", ["TOM", "TOMMY"]),
    ("VICTORIA", ["VICKY", "VICKI", "TORI"]),
    ("WILLIAM", ["BILL", "BILLY", "WILL", "WILLIE", "WILLY"]),
]:
    for variant in variants:
        NICKNAMES[variant] = canonical


def trim(value):
    start, end = 0, len(value)
    while start < end and value[start] in WHITE_SPACE:
        start += 1
    while end > start and value[end - 1] in WHITE_SPACE:
        end -= 1
    return value[start:end]


def words(value):
    result, current = [], ""
    for character in value:
        if character in WHITE_SPACE:
            if current:
                result.append(current)
            current = ""
        else:
            current += character
    if current:
        result.append(current)
    return result


def is_placeholder(value):
    return trim(value).upper() in PLACEHOLDERS


def letters(value):
    mapped = "".join(WHOLE.get(character, character) for character in value)
    decomposed = unicodedata.normalize("NFKD", mapped)
    kept = "".join(c for c in decomposed if not unicodedata.category(c).startswith("M"))
    return "".join(c for c in kept.upper() if "A" <= c <= "Z")


def without_titles(value):
    return [word for word in words(value) if letters(word) not in TITLES]


def name(value):
    if is_placeholder(value):
        return None
    return "".join(letters(word) for word in without_titles(value)) or None


def first_name(value):
    if is_placeholder(value):
        return None
    for word in without_titles(value):
        if letters(word):
            return letters(word)
    return None


def full_name(value, order):
    """(forename, first forename, surname)"""
    if is_placeholder(value):
        return None, None, None
    remaining = without_titles(value)
    if not remaining:
        return None, None, None
    if order == "surname-first":
        joined = " ".join(remaining)
        if "," in joined:
            surname, forename = joined.split(",", 1)
            forename_words = words(forename)
        else:
            surname, forename_words = remaining[0], remaining[1:]
    else:
        surname, forename_words = remaining[-1], remaining[:-1]
    given = [letters(word) for word in forename_words if letters(word)]
    return ("".join(given) or None), (given[0] if given else None), (letters(surname) or None)


def date_of_birth(value, formats):
    if is_placeholder(value):
        return None
    text = trim(value)
    for form in formats:
        if len(text) != len(form):
            continue
        fields = {"Y": "", "M": "", "D": ""}
        ok = True
        for character, pattern in zip(text, form):
            if pattern in "YMD":
                if not ("0" <= character <= "9"):
                    ok = False
                    break
                fields[pattern] += character
            elif character != pattern:
                ok = False
                break
        if not ok:
            continue
        year, month, day = int(fields["Y"]), int(fields["M"]), int(fields["D"])
        days = [31, 29 if (year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)) else 28,
                31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
        if year < 1 or not 1 <= month <= 12 or not 1 <= day <= days[month - 1]:
            continue
        if (year, month, day) == (1900, 1, 1):
            return None
        return "%04d%02d%02d" % (year, month, day)
    return None


def unordered(date):
    low, high = sorted([date[4:6], date[6:8]])
    return date[:4] + low + high


def postcode(value):
    if is_placeholder(value):
        return None
    code = "".join(c for c in value.upper() if "A" <= c <= "Z" or "0" <= c <= "9")
    if code.startswith("ZZ99") or not POSTCODE.fullmatch(code):
        return None
    return code


def pattern(value, regex, template):
    if is_placeholder(value):
        return None
    prepared = unicodedata.normalize("NFKC", trim(value)).upper()
    match = re.fullmatch(regex, prepared, re.ASCII)
    if not match:
        return None
    result, index = "", 0
    while index < len(template):
        if template[index] == "$":
            following = template[index + 1]
            result += "$" if following == "$" else (match.group(int(following)) or "")
            index += 2
        else:
            result += template[index]
            index += 1
    return result or None


def text(value):
    if is_placeholder(value):
        return None
    composed = unicodedata.normalize("NFC", trim(value))
    collapsed, in_space = "", False
    for character in composed:
        if character in WHITE_SPACE:
            if not in_space:
                collapsed += " "
            in_space = True
        else:
            collapsed += character
            in_space = False
    return collapsed.upper() or None


def sex(value):
    if is_placeholder(value):
        return None
    return {"M": "M", "MALE": "M", "F": "F", "FEMALE": "F"}.get(trim(value).upper())


def soundex(value):
    codes = {}
    for digit, group in [("1", "BFPV"), ("2", "CGJKQSXZ"), ("3", "DT"), ("4", "L"), ("5", "MN"), ("6", "R")]:
        for letter in group:
            codes[letter] = digit
    result, previous = value[0], codes.get(value[0], "")
    for letter in value[1:]:
        if letter in "HW":
            continue
        digit = codes.get(letter, "")
        if digit and digit != previous:
            result += digit
        previous = digit
        if len(result) == 4:
            break
    return (result + "000")[:4]


def field_value(person, field):
    forename, first, surname, dob, code, sx = (person.get(k) for k in
                                               ("forename", "first", "surname", "dob", "postcode", "sex"))
    if field == "forename":
        return forename
    if field == "forename-initial":
        return forename[0] if forename else None
    if field == "surname":
        return surname
    if field == "date-of-birth":
        return dob
    if field == "date-of-birth-unordered":
        return unordered(dob) if dob else None
    if field == "postcode":
        return code
    if field == "postcode-district":
        return code[:-3] if code else None
    if field == "sex":
        return sx
    if field == "forename-nickname":
        return NICKNAMES.get(first, first) if first else None
    if field == "surname-soundex":
        return soundex(surname) if surname else None
    if field == "date-of-birth-year-month":
        return dob[:6] if dob else None
    if field == "date-of-birth-month-day":
        return dob[4:] if dob else None
    if field == "date-of-birth-year-day":
        return dob[:4] + dob[6:] if dob else None
    if field == "full-name-sorted":
        return "".join(sorted(forename + surname)) if forename and surname else None
    raise ValueError("unknown field " + field)


def match_key(person, fields):
    parts = [field_value(person, field) for field in fields]
    if any(not part for part in parts):
        return None
    return SEPARATOR.join(parts)


def domain_key(key, project, domain):
    return hmac.new(key, ("pathlink/1/" + project + "/" + domain).encode("utf-8"), hashlib.sha256).digest()


def token(key, project, domain, normalised):
    if not normalised:
        return ""
    return hmac.new(domain_key(key, project, domain), normalised.encode("utf-8"), hashlib.sha256).hexdigest()[:32]


def fingerprint(key):
    return hmac.new(key, b"pathlink/1/fingerprint", hashlib.sha256).hexdigest()[:16]


def compute_case(case, key, project):
    """(normalised, token) for a vector case; token None for kinds without one."""
    kind, raw = case["kind"], case["raw"]
    if kind == "full-name":
        forename, _, surname = full_name(raw["value"], raw["order"])
        return {"forename": forename, "surname": surname}, None
    if kind == "name":
        normalised = name(raw)
    elif kind == "postcode":
        normalised = postcode(raw)
    elif kind == "text":
        normalised = text(raw)
    elif kind == "sex":
        normalised = sex(raw)
    elif kind == "date-of-birth":
        formats = raw["format"] if isinstance(raw["format"], list) else [raw["format"]]
        normalised = date_of_birth(raw["value"], formats)
    elif kind == "pattern":
        normalised = pattern(raw["value"], raw["pattern"], raw["template"])
    elif kind == "matchkey":
        formats = raw.get("format", "YYYY-MM-DD")
        formats = formats if isinstance(formats, list) else [formats]
        person = {}
        if raw.get("full-name") is not None:
            person["forename"], person["first"], person["surname"] = full_name(raw["full-name"]["value"], raw["full-name"]["order"])
        if raw.get("forename") is not None:
            person["forename"], person["first"] = name(raw["forename"]), first_name(raw["forename"])
        if raw.get("surname") is not None:
            person["surname"] = name(raw["surname"])
        if raw.get("date-of-birth") is not None:
            person["dob"] = date_of_birth(raw["date-of-birth"], formats)
        if raw.get("postcode") is not None:
            person["postcode"] = postcode(raw["postcode"])
        if raw.get("sex") is not None:
            person["sex"] = sex(raw["sex"])
        normalised = match_key(person, raw["fields"])
    else:
        raise ValueError("unknown kind " + kind)
    return normalised, token(key, project, case["domain"], normalised)


def command_vectors(path):
    document = json.load(open(path, encoding="utf-8"))
    key = bytes.fromhex(document["key_hex"])
    failures = 0
    if fingerprint(key) != document["fingerprint"]:
        print("fingerprint differs")
        failures += 1
    for number, case in enumerate(document["cases"], 1):
        normalised, tok = compute_case(case, key, document["project"])
        if normalised != case["normalised"] or (tok is not None and tok != case.get("token")):
            print("case %d (%s) differs: got %r / %r" % (number, case["kind"], normalised, tok))
            failures += 1
        if "domain_key_hex" in case and domain_key(key, document["project"], case["domain"]).hex() != case["domain_key_hex"]:
            print("case %d domain key differs" % number)
            failures += 1
    print("%d cases, %d differences" % (len(document["cases"]), failures))
    return 1 if failures else 0


def command_extend(shared_path, extra_path, out_path):
    shared = json.load(open(shared_path, encoding="utf-8"))
    extra = json.load(open(extra_path, encoding="utf-8"))
    key = bytes.fromhex(shared["key_hex"])
    cases = list(shared["cases"])
    for case in extra["cases"]:
        normalised, tok = compute_case(case, key, shared["project"])
        filled = {"kind": case["kind"], "raw": case["raw"], "normalised": normalised}
        if "domain" in case:
            filled["domain"] = case["domain"]
            filled["domain_key_hex"] = domain_key(key, shared["project"], case["domain"]).hex()
            filled["token"] = tok
        if "note" in case:
            filled["note"] = case["note"]
        cases.append(filled)
    document = dict(shared)
    document["about"] = extra["about"]
    document["cases"] = cases
    with open(out_path, "w", encoding="utf-8") as handle:
        json.dump(document, handle, ensure_ascii=False, indent=1)
        handle.write("\n")
    return 0


def person_of(row, spec):
    """The normalised person fields of one extract row (the first column of a field wins)."""
    person = {}
    for column in spec["linkage"]:
        raw, field = row[column["name"]], column["field"]
        if field == "forename" and not person.get("forename"):
            person["forename"], person["first"] = name(raw), first_name(raw)
        elif field == "surname" and not person.get("surname"):
            person["surname"] = name(raw)
        elif field == "full-name":
            forename, first, surname = full_name(raw, column["order"])
            if not person.get("forename"):
                person["forename"], person["first"] = forename, first
            if not person.get("surname"):
                person["surname"] = surname
        elif field == "date-of-birth" and not person.get("dob"):
            person["dob"] = date_of_birth(raw, column["formats"])
        elif field == "postcode" and not person.get("postcode"):
            person["postcode"] = postcode(raw)
        elif field == "sex" and not person.get("sex"):
            person["sex"] = sex(raw)
    return person


def row_tokens(row, spec, key, project):
    """{output column: token} for the identifier columns and keys of one extract row."""
    person = person_of(row, spec)
    expected = {}
    for column in spec["identifiers"]:
        raw = row[column["name"]]
        if "pattern" in column:
            normalised = pattern(raw, column["pattern"], column["template"])
        else:
            normalised = text(raw)
        expected[column["name"]] = token(key, project, column["domain"], normalised)
    for key_spec in spec["keys"]:
        value = None if key_spec.get("blank") else match_key(person, key_spec["fields"])
        expected[key_spec["name"]] = token(key, project, "person/" + key_spec["name"], value)
    return expected


def command_check(spec_path, extract_path, output_path, every):
    spec = json.load(open(spec_path, encoding="utf-8"))
    key = bytes.fromhex(spec["key_hex"])
    project = spec["project"]
    with open(extract_path, newline="", encoding="utf-8-sig") as handle:
        extract = list(csv.reader(handle))
    with open(output_path, newline="", encoding="utf-8") as handle:
        output = list(csv.reader(handle))
    header, out_header = extract[0], output[0]
    if len(extract) != len(output):
        print("row counts differ: %d vs %d" % (len(extract), len(output)))
        return 1
    compared, failures = 0, 0
    for row_number in range(1, len(extract), every):
        row = dict(zip(header, extract[row_number]))
        out = dict(zip(out_header, output[row_number]))
        expected = row_tokens(row, spec, key, project)
        for column, value in expected.items():
            compared += 1
            if out.get(column) != value:
                failures += 1
                print("row %d column %s differs" % (row_number + 1, column))
    print("%d tokens compared, %d differences" % (compared, failures))
    return 1 if failures or compared == 0 else 0


def sha256_file(path):
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def relative(path, folder):
    import os.path
    return os.path.relpath(os.path.abspath(path), os.path.abspath(folder)).replace(os.sep, "/")


def command_pseudonymise(spec_path, extract_path, output_path, started):
    """Write OUTPUT (tokens) and OUTPUT.receipt.json as governance/receipts.md specifies,
    without Pathlink: the independent owner stage 2."""
    import os.path
    spec = json.load(open(spec_path, encoding="utf-8"))
    key = bytes.fromhex(open(spec["key_file"] if os.path.isabs(spec["key_file"]) else
                             os.path.join(os.path.dirname(spec_path), spec["key_file"])).read().strip())
    project = spec["project"]
    with open(extract_path, newline="", encoding="utf-8") as handle:
        extract = list(csv.reader(handle))
    header = extract[0]
    linkage = {column["name"] for column in spec["linkage"]}
    identifiers = {column["name"]: column for column in spec["identifiers"]}
    kept = {column["name"]: column for column in spec["kept"]}
    out_header = [column for column in header if column not in linkage] + [k["name"] for k in spec["keys"]]
    missing = {column: 0 for column in out_header}
    rows = []
    for values in extract[1:]:
        row = dict(zip(header, values))
        tokens = row_tokens(row, spec, key, project)
        out = []
        for column in out_header:
            value = tokens[column] if column in tokens else row[column]
            if column in tokens and value == "":
                missing[column] += 1
            out.append(value)
        rows.append(out)
    # Pathlink's CSV dialect (RFC 4180): comma, CRLF, quotes only where a field needs them.
    with open(output_path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
        writer.writerow(out_header)
        writer.writerows(rows)
    receipt_path = output_path + ".receipt.json"
    folder = os.path.dirname(os.path.abspath(receipt_path))
    columns = []
    for column in out_header:
        if column in identifiers:
            entry = {"name": column, "class": "identifier", "action": "tokenised",
                     "domain": identifiers[column]["domain"], "missing": missing[column]}
            if "identifies" in identifiers[column]:
                entry["identifies"] = identifiers[column]["identifies"]
        elif column in kept:
            entry = {"name": column, "class": kept[column]["class"], "action": kept[column].get("action", "kept")}
            if "generalise" in kept[column]:
                entry["generalise"] = kept[column]["generalise"]
            if kept[column].get("open"):
                entry["open"] = True   # an attribute declared open: true (governance/receipts.md)
        else:
            kind = next(k.get("kind", "matchkey") for k in spec["keys"] if k["name"] == column)
            entry = {"name": column, "class": kind, "action": "tokenised",
                     "domain": "person/" + column, "missing": missing[column]}
        columns.append(entry)
    for column in spec["linkage"]:
        columns.append({"name": column["name"], "class": "linkage", "action": "consumed", "field": column["field"]})
    documents = [{"kind": document["kind"], "name": document["name"],
                  "path": relative(os.path.join(os.path.dirname(spec_path), document["path"]), folder),
                  "sha256": sha256_file(os.path.join(os.path.dirname(spec_path), document["path"]))}
                 for document in spec["documents"]]
    receipt = {
        "receipt": 1,
        "stage": "pseudonymise",
        "tool": {"name": "pathlink_tokens.py", "version": "1", "token_derivation": 1},
        "dataset": spec["dataset"],
        "documents": documents,
        "key_fingerprint": fingerprint(key),
        "inputs": [{"path": relative(extract_path, folder), "sha256": sha256_file(extract_path), "rows": len(rows)}],
        "outputs": [{"path": relative(output_path, folder), "sha256": sha256_file(output_path), "rows": len(rows)}],
        "columns": columns,
        "excluded": [],
        "counts": {},
        "warnings": [],
        "started": started,
        "finished": started,
    }
    with open(receipt_path, "w", encoding="utf-8") as handle:
        json.dump(receipt, handle, indent=2, sort_keys=True)
        handle.write("\n")
    print("%d rows, %d columns" % (len(rows), len(out_header)))
    return 0


def main(arguments):
    if arguments[:1] == ["vectors"] and len(arguments) == 2:
        return command_vectors(arguments[1])
    if arguments[:1] == ["extend"] and len(arguments) == 4:
        return command_extend(*arguments[1:])
    if arguments[:1] == ["check"] and len(arguments) in (4, 6):
        every = int(arguments[5]) if len(arguments) == 6 else 1
        return command_check(arguments[1], arguments[2], arguments[3], every)
    if arguments[:1] == ["pseudonymise"] and len(arguments) in (4, 6) and arguments[4:5] in ([], ["--started"]):
        started = arguments[5] if len(arguments) == 6 else "2026-01-01T00:00:00Z"
        return command_pseudonymise(arguments[1], arguments[2], arguments[3], started)
    print(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
