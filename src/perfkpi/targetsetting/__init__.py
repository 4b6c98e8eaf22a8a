"""Setting target values (指标值设定) from past actuals, a plan or a spending standard.

The national platform's indicator table asks, for each indicator, the basis
of its target value (指标值设定依据): 计划标准 (a plan figure), 历史标准 (last
year's actual, or the mean of the last three years), 行业标准, 预算支出标准 (for
a cost indicator, the spending standard is a ceiling) or 其他标准.
:func:`propose_target` proposes a target for one indicator by these bases and
says which it used and why; :func:`propose_targets` does the same for a whole
table (every department × indicator) in a few array operations.

The rule (``method="auto"``), in order:

1. a **plan** figure, when given, is the target (计划标准);
2. else the **history**: with three years or more, the mean of the last three
   (历史标准), but never less demanding than last year's actual — a target
   below last year's actual is what reviewers flag as set too low
   (目标值设置偏低); with one or two years, last year's actual;
3. for a lower-is-better (cost) indicator, a **spending standard** is a
   ceiling: a proposal above it is lowered to it (预算支出标准), and with
   nothing else given the standard itself is the target.

Higher-is-better indicators get ``≥``, lower-is-better ones ``≤``.

Rounding: only a computed mean is rounded, half-up (四舍五入) to *places*
decimals (2 by default, the precision indicator tables and the ministry's
scoring code use).  A plan, last year's actual and a standard are figures a
department declared and are taken as given, so a proposal never passes the
figure it rests on: a ``≥`` target from last year is never below it and a
capped cost target never above its standard.

Examples
--------
>>> from perfkpi.targetsetting import propose_target
>>> p = propose_target("满意度", [95, 98, 97])
>>> str(p.target), p.basis, p.method
('≥97%', '历史标准', 'last-year')
>>> p.reason("en")
"historical standard: last year's actual 97% is better than the three-year mean 96.67%; a target is not set below last year's actual"
"""  # noqa: E501 (a doctest output line)

from __future__ import annotations

# The public classes and functions are named perfkpi.targetsetting.X (see the
# end), so the annotations of their fields and parameters resolve here.
from collections.abc import Mapping as Mapping
from collections.abc import Sequence as Sequence
from typing import Any as Any
from typing import Literal as Literal

import numpy as np  # noqa: F401

from perfkpi import _public
from perfkpi.indicators import Indicator as Indicator
from perfkpi.rounding import RoundingMode as RoundingMode
from perfkpi.targets import Target as Target
from perfkpi.targetsetting import _proposal
from perfkpi.targetsetting._proposal import Method as Method
from perfkpi.targetsetting._proposal import TargetProposal
from perfkpi.targetsetting._propose import propose_target
from perfkpi.targetsetting._table import TargetTable, propose_targets
from perfkpi.units import Unit as Unit

__all__ = [
    "METHODS",
    "TargetProposal",
    "TargetTable",
    "propose_target",
    "propose_targets",
]

METHODS: tuple[str, ...] = _proposal.METHODS
"""How a target is proposed: by the rule (``auto``) or by one basis."""


# documented, pickled and named in tracebacks as perfkpi.targetsetting.X, where
# they began
_public.adopt(__name__, globals(), __all__)
