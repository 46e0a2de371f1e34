"""Date formats that write the month out in both languages.

"03/11/2027" reads as 3 November to a Mexican reader and as March 11 to an
American one: lists show "11 Mar 2027" / "11 mar 2027" instead. Anything not
set here falls back to Django's own formats for the language.
"""
