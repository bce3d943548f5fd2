"""Reviewing and correcting an alignment: the editor (`ruzh-align review`) and its store.

``state`` is what a run saves for the editor, ``edits`` the checks every correction
passes, ``corrections`` the reviewed beads kept across runs, ``session`` one output
folder under review, ``server`` the loopback web server, ``static/`` the page.
"""
