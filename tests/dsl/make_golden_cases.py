#!/usr/bin/env python3
"""Writes tests/dsl/cases/<name>.wmk and <name>.expected from the hand-written cases below.

Each case marks where a diagnostic must point with «code» (or «code|message fragment») placed
immediately before the offending token; this script removes the markers and records the 1-based
line and column (in characters) of the token that followed. The expectations are therefore the
author's reading of language.md §8, never the program's own output.
"""
import os
import re

WARNINGS = {"missing-cite", "unused-parameter", "unguarded-not", "impossible-condition"}
HERE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "cases")

CITE = '  cite "Test guidance, 1.1"'


def rule(body, rid="r", title="T", cite=True):
    return f'rule {rid} "{title}"\n{body}\n' + (CITE + "\n" if cite else "")


CASES = {
    # ---------------------------------------------------------------- syntax
    "syntax-missing-when": rule('  category attendance\n  «syntax|expected»suggest "Call home"'),
    "syntax-unterminated-string": 'rule r «syntax|unterminated»"Title\n  when pupil.looked_after\n  suggest "x"\n' + CITE + "\n",
    "syntax-bad-escape": rule('  when pupil.looked_after\n  suggest "Say «syntax|escape»\\n twice"'),
    "syntax-impossible-date": rule('  when pupil.dob < «syntax|2025-02-30»2025-02-30\n  suggest "x"'),
    "syntax-lone-open-brace": 'rule r "Title «syntax»{ here"\n  when pupil.looked_after\n  suggest "x"\n' + CITE + "\n",
    "syntax-lone-close-brace": 'rule r "Title"\n  when pupil.looked_after\n  suggest "Brace «syntax»} here"\n' + CITE + "\n",
    "syntax-nested-too-deeply": rule("  when " + "(" * 100 + "«syntax|nested too deeply»(" + "pupil.looked_after" + ")" * 101 + '\n  suggest "x"'),
    "syntax-within-missing-duration": rule('  when no meeting m within last «syntax|duration»where m.type = "pep"\n  suggest "x"'),
    "syntax-clause-order": rule('  severity high\n  «syntax»category attendance\n  when pupil.looked_after\n  suggest "x"'),
    "syntax-keyword-as-parameter": 'param «syntax»when = 3\n',
    "syntax-keyword-as-rule-id": 'rule «syntax»when "T"\n  when pupil.looked_after\n  suggest "x"\n' + CITE + "\n",
    "syntax-keyword-as-variable": rule('  for each suspension «syntax»no\n  when pupil.looked_after\n  suggest "x"'),
    "syntax-missing-action": rule('  when pupil.looked_after\n  «syntax»cite "x"', cite=False),
    "syntax-capital-keyword": '«syntax»Rule r "T"\n  when pupil.looked_after\n  suggest "x"\n',
    "syntax-bad-severity": rule('  severity «syntax»critical\n  when pupil.looked_after\n  suggest "x"'),
    "syntax-where-takes-no-comparison": rule('  when some suspension s where s.days «syntax»> 2\n  suggest "x"'),
    "syntax-range-needs-whole-numbers": rule('  when pupil.year_group in «syntax»1.5..3\n  suggest "x"'),
    "syntax-no-signed-numbers": rule('  when pupil.year_group > «syntax»-3\n  suggest "x"'),
    "syntax-stray-character": rule('  when pupil.looked_after «syntax»@\n  suggest "x"'),
    "syntax-recovers-at-next-rule":
        rule('  when pupil.looked_after and\n  «syntax|after»suggest "x"', rid="first")
        + "\n" + rule('  when pupil.fsm\n  suggest tier «syntax»"y"', rid="second")
        + "\n" + rule('  when pupil.looked_after\n  suggest "z"', rid="third"),
    "syntax-missing-title": 'rule r\n  «syntax»when pupil.looked_after\n  suggest "x"\n' + CITE + "\n",
    "syntax-older-than-needs-duration": rule('  for each suspension s\n  when s older than «syntax»where\n  suggest "x"'),
    "syntax-empty-interpolation": 'rule r "Age {«syntax»}"\n  when pupil.looked_after\n  suggest "x"\n' + CITE + "\n",
    "syntax-param-needs-literal": "param x = «syntax»pupil\n",
    # ---------------------------------------------------------------- names
    "unknown-kind-for-each": rule('  for each «unknown-kind|did you mean»suspention s\n  when s older than 2 weeks\n  suggest "x"'),
    "unknown-kind-plural": rule('  when count of «unknown-kind»suspenshuns > 2\n  suggest "x"'),
    "unknown-field-on-variable":
        "param review_interval = 4 weeks\n\n"
        + rule('  for each reduced_timetable rt\n  when rt older than 6 weeks\n   and no rt.«unknown-field|did you mean»reveiws within last review_interval\n  suggest "x"'),
    "unknown-field-on-pupil": rule('  when pupil.«unknown-field|looked_after»looked_afer\n  suggest "x"'),
    "unknown-field-upn-is-private": rule('  when pupil.«unknown-field|personal»upn = "A"\n  suggest "x"'),
    "unknown-field-name-is-private": rule('  when pupil.«unknown-field»name = "Sam"\n  suggest "x"'),
    "unknown-field-in-total": rule('  when total «unknown-field»dayz of suspensions > 5\n  suggest "x"'),
    "unknown-field-in-date-list": rule('  for each reduced_timetable rt\n  when some rt.reviews r where (r.«unknown-field»start > 2025-01-01)\n  suggest "x"'),
    "unknown-field-in-filter": rule('  when some meeting m where m.«unknown-field»restorative\n  suggest "x"'),
    "unknown-parameter": "param «unused-parameter»review_interval = 4 weeks\n\n" + rule('  for each reduced_timetable rt\n  when rt older than «unknown-parameter|review_interval»review_intervl\n  suggest "x"'),
    "unknown-parameter-in-window": rule('  when no meeting within last «unknown-parameter»meeting_window\n  suggest "x"'),
    "unknown-variable-root": rule('  for each suspension s\n  when «unknown-variable»t.days > 2\n  suggest "x"'),
    "unknown-variable-kind-unbound": rule('  when «unknown-variable»incident.injury\n  suggest "x"'),
    "unknown-variable-out-of-scope": rule('  when some meeting m where (m.type = "pep")\n   and «unknown-variable»m.type = "pep"\n  suggest "x"'),
    "unknown-role": rule('  when pupil.looked_after\n  suggest "x"\n  notify «unknown-role|virtual_school»virtual_schol'),
    "unknown-category": rule('  category «unknown-category|attendance»attendence\n  when pupil.looked_after\n  suggest "x"'),
    "unknown-tier": rule('  when pupil.looked_after\n  suggest tier «unknown-tier»7 "x"'),
    "unknown-value-is": rule('  when pupil.sen is «unknown-value|ehcp»ehcpp\n  suggest "x"'),
    "unknown-value-in-list": rule('  when pupil.sen in [sen_support, «unknown-value»ehc]\n  suggest "x"'),
    "unknown-value-on-record": rule('  for each support_plan p\n  when p.type is «unknown-value»pastoral\n  suggest "x"'),
    # ---------------------------------------------------------------- duplicates
    "duplicate-rule": rule('  when pupil.looked_after\n  suggest "x"', rid="same") + "\n" + rule('  when pupil.fsm\n  suggest "y"', rid="«duplicate-rule»same"),
    "duplicate-parameter": "param limit = 3\nparam «duplicate-parameter»limit = 4\n\n" + rule('  when pupil.year_group > limit\n  suggest "x"'),
    "duplicate-variable-parameter": "param «unused-parameter»s = 3\n\n" + rule('  for each suspension «duplicate-variable»s\n  when s.days > 2\n  suggest "x"'),
    "duplicate-variable-kind": rule('  for each suspension «duplicate-variable»meeting\n  when meeting.days > 2\n  suggest "x"'),
    "duplicate-variable-nested": rule('  for each suspension s\n  when some suspension «duplicate-variable»s where (s.days > 2)\n  suggest "x"'),
    # ---------------------------------------------------------------- types
    "type-date-with-percent": rule('  when pupil.dob < «type-mismatch|a date with a percent»90%\n  suggest "x"'),
    "type-number-with-percent": rule('  when attendance < «type-mismatch»90\n  suggest "x"'),
    "type-enum-with-equals": rule('  for each support_plan p\n  when p.type «type-mismatch|is»= "psp"\n  suggest "x"'),
    "type-older-than-number": rule('  when «type-mismatch|older than»pupil.year_group older than 6 weeks\n  suggest "x"'),
    "type-within-last-percent": rule('  when «type-mismatch»attendance within last 2 weeks\n  suggest "x"'),
    "type-total-of-string": rule('  when total «type-mismatch|total»reason of suspensions > 2\n  suggest "x"'),
    "type-max-of-boolean": rule('  when max «type-mismatch»restorative of reintegration_meetings is set\n  suggest "x"'),
    "type-window-needs-duration": rule('  when no meeting within last «type-mismatch|duration»5\n  suggest "x"'),
    "type-active-on-event": rule('  for each meeting m\n  when «type-mismatch|episode»m is active\n  suggest "x"'),
    "type-active-on-attribute": rule('  when «type-mismatch»pupil.looked_after is active\n  suggest "x"'),
    "type-is-value-on-string": rule('  for each meeting m\n  when «type-mismatch|enum»m.type is pep\n  suggest "x"'),
    "type-condition-not-boolean": rule('  when «type-mismatch|true or false»pupil.year_group\n  suggest "x"'),
    "type-date-plus-number": rule('  when pupil.dob + «type-mismatch»3 < today\n  suggest "x"'),
    "type-percent-plus-percent": rule('  when attendance «type-mismatch»+ 5% < 90%\n  suggest "x"'),
    "type-string-ordering": rule('  for each meeting m\n  when m.type «type-mismatch»< "pep"\n  suggest "x"'),
    "type-range-on-date": rule('  when «type-mismatch»pupil.dob in 1..3\n  suggest "x"'),
    "type-list-item-type": rule('  when pupil.year_group in [7, «type-mismatch»"8"]\n  suggest "x"'),
    "type-age-of-number": rule('  when age of «type-mismatch»pupil.year_group > 2 weeks\n  suggest "x"'),
    "type-date-list-as-value": rule('  for each reduced_timetable rt\n  when «type-mismatch»rt.reviews > 2\n  suggest "x"'),
    "type-record-compared": rule('  for each suspension s\n  when «type-mismatch»s > 2025-01-01\n  suggest "x"'),
    "type-two-durations": "param a = 2 weeks\nparam b = 3 weeks\n\n" + rule('  when a «type-mismatch|duration»< b\n  suggest "x"'),
    "type-between-needs-dates": rule('  when count of suspensions between «type-mismatch»1 and «type-mismatch»2 > 0\n  suggest "x"'),
    "type-interpolate-date-list": 'rule r "Reviews {«type-mismatch»rt.reviews}"\n  for each reduced_timetable rt\n  when rt older than 2 weeks\n  suggest "x"\n' + CITE + "\n",
    "type-after-needs-date": rule('  when some meeting after «type-mismatch»3\n  suggest "x"'),
    "type-total-of-dates": rule('  for each reduced_timetable rt\n  when total «type-mismatch»date of rt.reviews > 2\n  suggest "x"'),
    "type-parameter-has-no-fields": "param «unused-parameter»limit = 3\n\n" + rule('  when «type-mismatch»limit.days > 2\n  suggest "x"'),
    "type-number-with-date": rule('  when current tier < «type-mismatch»2025-01-01\n  suggest "x"'),
    "type-string-with-number": rule('  when pupil.school = «type-mismatch»3\n  suggest "x"'),
    "type-boolean-with-string": rule('  when pupil.fsm = «type-mismatch»"yes"\n  suggest "x"'),
    "type-name-in-string-list": rule('  when pupil.school in [«type-mismatch»oakfield]\n  suggest "x"'),
    # ---------------------------------------------------------------- warnings
    "warning-missing-cite": rule('  when pupil.looked_after\n  suggest "x"', rid="«missing-cite»uncited", cite=False),
    "warning-unused-parameter": "param «unused-parameter»spare = 3\n\n" + rule('  when pupil.looked_after\n  suggest "x"'),
    "warning-unguarded-not": rule('  when «unguarded-not»not (pupil.year_group > 9)\n  suggest "x"'),
    "warning-guarded-not-is-clean": rule('  when pupil.year_group is set\n   and not (pupil.year_group > 9)\n  suggest "x"'),
    "warning-contradictory-bounds": rule('  when attendance < 10%\n   and «impossible-condition»attendance > 20%\n  suggest "x"'),
    "warning-opposite-is-tests": rule('  for each reduced_timetable rt\n  when rt is active\n   and «impossible-condition»rt is not active\n  suggest "x"'),
    "warning-two-enum-values": rule('  when pupil.sen is ehcp\n   and «impossible-condition»pupil.sen is sen_support\n  suggest "x"'),
    "warning-range-and-bound": rule('  when pupil.year_group in 7..9\n   and «impossible-condition»pupil.year_group > 11\n  suggest "x"'),
    "warning-none-and-set": rule('  when pupil.dob is none\n   and «impossible-condition»pupil.dob is set\n  suggest "x"'),
    # ---------------------------------------------------------------- clean files (no diagnostics)
    "clean-every-window": (
        "param window = 5 school days\n\n"
        + rule(
            "  for each suspension s in this academic year\n"
            "  when no reintegration_meeting m within window after s.end where m.restorative\n"
            "   and count of incidents within last 4 weeks where incident.restrictive_intervention >= 2\n"
            "   and some meeting before 2025-09-01\n"
            "   and some meeting after s.start\n"
            "   and some meeting within 2 weeks before s.start\n"
            "   and some meeting between s.start and s.start + 3 days\n"
            "   and count of suspensions in previous term = 0\n"
            "   and count of suspensions in this term >= 0\n"
            "   and count of suspensions in previous academic year >= 0\n"
            '  suggest tier 3 "Meet within {window}"'
        )
    ),
    "clean-measures": rule(
        "  when attendance in this academic year < 90%\n"
        "   and absence within last 4 weeks >= 10%\n"
        "   and unauthorised absence between 2025-09-01 and today > 5%\n"
        "   and sessions missed in this term > 10\n"
        "   and absence streak >= 10\n"
        "   and unauthorised absence streak > 2\n"
        "   and (attendance between 2025-09-01 and today) - 10% < 5%\n"
        "   and current tier < 3\n"
        "   and current tier start is set\n"
        '  suggest "Attendance {attendance} over {sessions missed} sessions"'
    ),
    # ---------------------------------------------------------------- version 2 (language-v2.md)
    "clean-version-2": rule(
        '  for each suspension s\n'
        '  when no notification n about s where (n.to = "la_inclusion")\n'
        '   and count of meetings m about s within 15 school days after s.start where (m.type = "governor_review") = 0\n'
        '   and some notification n where (n is about s or n is not about s)\n'
        '   and first day coded [N] older than 5 school days\n'
        '   and unauthorised sessions within last 10 school weeks >= 10\n'
        '   and days coded [I] in this academic year >= 15\n'
        '   and absence excluding [C2, E] >= 10% and possible sessions excluding [C2, E] >= 20\n'
        '   and sessions coded [/, \\, #, -, Y1] in last 2 terms > 0\n'
        '   and total days of suspensions x in term of s > 15\n'
        '   and s.start < start of this term and s.start >= start of previous term\n'
        '   and end of term of s > end of previous term and last day coded [G, N, O, U] is set\n'
        '  suggest "x"'),
    "unknown-code": rule('  when sessions coded [N, «unknown-code|not an attendance code»Q9] > 0\n  suggest "x"'),
    "unknown-code-lower-case": rule('  when days coded [«syntax|attendance code»i] > 0\n  suggest "x"'),
    "about-on-a-non-item": rule('  when no notification n about «type-mismatch|bound record»review_days\n  suggest "x"')
        .replace('rule r', 'param review_days = 5\n\nrule r'),
    "about-on-a-date-list": rule('  for each reduced_timetable rt\n  when no rt.reviews «type-mismatch|list of dates»about rt\n  suggest "x"'),
    "about-of-its-own-variable": rule('  when no notification n about «unknown-parameter»n\n  suggest "x"'),
    "is-about-on-a-non-record": rule('  for each suspension s\n  when some meeting m where («type-mismatch|tests a record»m.type is about s)\n  suggest "x"'),
    "school-weeks-compared-with-a-number": rule('  when unauthorised sessions >= «type-mismatch|belongs in a window»10 school weeks\n  suggest "x"'),
    "school-weeks-need-a-count": rule('  when sessions coded [N] within last «syntax»school weeks > 0\n  suggest "x"'),
    "terms-need-a-whole-number": rule('  when some incident in last «syntax|whole number of terms»0 terms\n  suggest "x"'),
    "term-of-needs-a-date": rule('  when some incident in term of «type-mismatch|needs a date»"autumn"\n  suggest "x"'),
}


def strip(text):
    """Removes «…» markers; returns the clean text and [(line, col, code, fragment)]."""
    out = []
    marks = []
    line, col = 1, 1
    i = 0
    while i < len(text):
        if text[i] == "«":
            j = text.index("»", i)
            spec = text[i + 1 : j]
            code, _, fragment = spec.partition("|")
            marks.append((line, col, code, fragment))
            i = j + 1
            continue
        ch = text[i]
        out.append(ch)
        if ch == "\n":
            line, col = line + 1, 1
        else:
            col += 1
        i += 1
    return "".join(out), marks


def main():
    os.makedirs(HERE, exist_ok=True)
    for name, text in sorted(CASES.items()):
        clean, marks = strip(text)
        with open(os.path.join(HERE, name + ".wmk"), "w") as f:
            f.write(clean)
        with open(os.path.join(HERE, name + ".expected"), "w") as f:
            for line, col, code, fragment in marks:
                severity = "warning" if code in WARNINGS else "error"
                f.write(f"{line}:{col}: {severity} [{code}]" + (f" {fragment}" if fragment else "") + "\n")
    print(f"{len(CASES)} cases written to {HERE}")


if __name__ == "__main__":
    main()
