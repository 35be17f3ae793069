"""Hostile texts for the security tests (synthetic; test use only).

Each payload is a string an editor or an imported spreadsheet could put into any text field of an
offer or a funding row. Every surface must show it literally: nothing evaluated (Jinja2, JS
template literals, markdown, LaTeX, spreadsheet formulas), nothing executed, nothing broken.

``PAYLOADS`` holds at least 40 of them; :data:`MARKERS` names the substrings that appear in the
output only if a payload was *evaluated* (e.g. ``7*7`` rendered as ``49``).
"""

from __future__ import annotations

PAYLOADS: tuple[str, ...] = (
    # HTML element and attribute break-outs
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(2)>",
    '"><svg onload=alert(3)>',
    "'><iframe src=javascript:alert(4)>",
    "</title><script>alert(5)</script>",
    "</textarea><script>alert(6)</script>",
    "<!-- comment --><b>fett</b>",
    "--><script>alert(7)</script><!--",
    "</script><script>alert(8)</script>",
    "<style>body{display:none}</style>",
    '" onmouseover="alert(9)',
    "' onfocus='alert(10)' autofocus='",
    "&lt;script&gt;alert(11)&lt;/script&gt;",
    # URLs that must never become links
    "javascript:alert(12)",
    "JaVaScRiPt:alert(13)",
    "data:text/html,<script>alert(14)</script>",
    "vbscript:msgbox(15)",
    # Markdown links, images, emphasis, HTML in markdown, LaTeX
    "[Hier neu anmelden](http://127.0.0.1:9/phish)",
    "![x](http://127.0.0.1:9/t.png)",
    "**fett** _kursiv_ `code`",
    "<a href='http://127.0.0.1:9/x'>Link</a>",
    "$\\frac{1}{0}$",
    "$$x^2$$",
    ":red[rot] :material/home:",
    "# Überschrift",
    "> Zitat\n- Liste",
    # Jinja2 expressions, statements and comments
    "SSTI {{ 7*7 }}",
    "{{ cycler.__init__.__globals__.os.popen('id').read() }}",
    "{% for x in range(3) %}LOOP{% endfor %}",
    "{# comment",
    "{{ 'a' }}",
    '{{ "b\\" }}',
    "{%- raw -%}",
    "}}{{",
    # JavaScript string and template-literal break-outs
    "${alert(41)}",
    "Beratung `+alert(42)+`",
    "Beratung ${document.title='x'}",
    "\\`;alert(44);//",
    "';alert(45);//",
    '";alert(46);//',
    "\\u003cscript\\u003e",
    "\\",
    "\u2028\u2029 Zeilentrenner",
    # Spreadsheet formulas
    '=HYPERLINK("http://127.0.0.1:9";"Details")',
    '=WEBSERVICE("http://127.0.0.1:9")',
    "+SUM(1;2)",
    "-1+2",
    "@SUM(A1)",
    "\t=1+1",
)

#: Substrings that only appear when a payload above was evaluated instead of shown.
MARKERS: tuple[str, ...] = ("SSTI 49", "LOOPLOOP", "uid=")

assert len(PAYLOADS) >= 40
