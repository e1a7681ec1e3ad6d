"""The truth: every surface's figures (dashboard, charts, rankings, brief, command line, exports) against plain SQL.

A seeded generator makes two or three districts with the edges the rules turn on: 99,999,999 and 100,000,000
yuan, a signing in US dollars, voided and unverified signings, signings and milestones on quarter and year
boundaries, leads created around local midnight, one company held by several districts under one credit code.
Each figure is then counted in SQL written from the rules alone, never through crm.reports:

- a project counts when verified (认定) and not voided; 亿元以上 is a total investment of 100,000,000 yuan or more;
- a period includes both its ends; a lead is new on the local (Asia/Shanghai) day it was created;
- what is summed is the CNY amount (total_investment_yuan), whatever currency the signing was in;
- enterprises visited are distinct; for the city a company held by two districts counts once, by its credit code
  where it has one.

Each test gathers every disagreement of its surfaces before failing, so one run names them all.

world.py makes the data (paths.py its projects' paths, open issues, 督办 and 红黄绿 thresholds, on the rule's edges)
and counts.py counts it (colours.py folds the 红黄绿 rule and the 调度会 list by hand); pages.py and sheets.py read
the figures a page, chart or exported file shows; ledger.py keeps every comparison. test_pages.py checks the
dashboard and rankings' pages, test_exports_and_commands.py the exports and the command line,
test_colours_and_dispatch.py the colour counts (board, rankings, the list's filter) and the 调度会 page and command.
"""
