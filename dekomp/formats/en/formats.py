"""English dates as the site writes them: day, month name, year, a 24-hour clock (``2 December 2026 14:30``).

Bokmål and nynorsk keep Django's formats (``2. desember 2026 14:30``). The short formats are the long ones, so a
page never mixes two styles. Input formats are Django's (date fields use ISO dates).
"""

DATE_FORMAT = "j F Y"
DATETIME_FORMAT = "j F Y H:i"
TIME_FORMAT = "H:i"
YEAR_MONTH_FORMAT = "F Y"
MONTH_DAY_FORMAT = "j F"
SHORT_DATE_FORMAT = "j F Y"
SHORT_DATETIME_FORMAT = "j F Y H:i"
FIRST_DAY_OF_WEEK = 1  # Monday
