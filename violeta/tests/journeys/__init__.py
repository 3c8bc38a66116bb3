"""The institute's main journeys end to end in a real Chromium, one module per journey (issue 16).

Each module follows one piece of work across the personas it involves, through the screens they would use,
and ends in what the person came to do. Each saves its screens with the ``shots`` fixture
(violeta/testing/browser.py); the README's screenshots are copied from them by scripts/screenshots.sh.
"""
