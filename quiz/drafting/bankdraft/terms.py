"""What a drafted bank names: its skills, its voice categories (and the voice
labels each stands for), its misconceptions, and the options of the
missing-baseline items."""

from __future__ import annotations

SKILLS = {
    "percent": "Evaluate percentage claims",
    "baseline": "Spot missing baselines",
    "reporting": "Separate reporting from advocacy",
}
CATEGORIES = {
    "attributed": "Attributed: credited to a named source",
    "vague": "Vague source: credited to someone no reader can check",
    "plain": "Plain statement: checkable, or background, in the writer's voice",
    "analysis": "Analysis: the writer's interpretation",
    "advocacy": "Advocacy: the writer says what should be done",
}
VOICE_CATEGORY = {
    "attributed_report": "attributed",
    "reported_advocacy": "attributed",
    "vague_attribution": "vague",
    "unattributed_assertion": "plain",
    "background": "plain",
    "analysis_opinion": "analysis",
    "advocacy": "advocacy",
}
MISCONCEPTIONS: dict[str, dict[str, str] | str] = {
    "MULT_OFFBYONE": {
        "text": "Reads an X% increase as X/100 times the start (a 500% increase is six times "
        "the start, not five).",
        "skill": "percent",
    },
    "OF_VS_INCREASE": {
        "text": "Confuses “X% of” a number with “an X% change” on it.",
        "skill": "percent",
    },
    "ADD_AS_COUNT": {
        "text": "Adds the percentage to the count as if it were a number of cases.",
        "skill": "percent",
    },
    "ASYMMETRY": {"text": "Thinks a rise of X% is undone by a fall of X%.", "skill": "percent"},
    "RATIO_AS_PCT": {
        "text": "Gives new ÷ old × 100 as the percent change, forgetting to subtract the start.",
        "skill": "percent",
    },
    "WRONG_DENOM": {
        "text": "Divides the change by the new value instead of the starting value.",
        "skill": "percent",
    },
    "DIFF_AS_PCT": {
        "text": "Gives the absolute difference as if it were a percentage.",
        "skill": "percent",
    },
    "PP_VS_PCT": {
        "text": "Confuses a change in percentage points with a percent change.",
        "skill": "percent",
    },
    "PCT_AS_NUMBER": {
        "text": "Uses a percentage as a plain number without dividing by 100 (a 500% rise "
        "taken as ×500).",
        "skill": "percent",
    },
    "PCT_AS_COUNT": {
        "text": "Takes a percentage or a rate for a count of cases.",
        "skill": "percent",
    },
    "COMPLETE_AS_STATED": {
        "text": "Takes a figure as complete although the article gives no starting number, "
        "period, definition, denominator or source for it.",
        "skill": "baseline",
    },
    "OVERSKEPTIC": "Rejects what the article does give, or a plainly attributed or checkable "
    "sentence, out of blanket suspicion.",
    "ATTRIBUTION_BLIND": {
        "text": "Misses who a sentence credits a claim to.",
        "skill": "reporting",
    },
    "VAGUE_SOURCE": {
        "text": "Takes a vague source (“some experts”, “critics”, “surveys”) for a named, "
        "checkable one.",
        "skill": "reporting",
    },
    "OPINION_AS_FACT": {
        "text": "Takes the writer's interpretation or call for action for a plain, checkable "
        "statement.",
        "skill": "reporting",
    },
    "ANALYSIS_AS_ADVOCACY": {
        "text": "Takes the writer's interpretation or verdict for a call for action.",
        "skill": "reporting",
    },
    "REPORTED_ADVOCACY_AS_WRITERS": {
        "text": "Takes advocacy the article reports (“advocates urge…”) for the writer's own.",
        "skill": "reporting",
    },
}
CHECK_OPTION = {
    "baseline": "The starting number or the absolute counts",
    "period": "The period the figure compares",
    "definition": "What exactly was counted",
    "denominator": "Out of how many: a denominator or exposure",
    "source": "A named source for the figure",
}
CATEGORY_MISCONCEPTION = {
    "attributed": "ATTRIBUTION_BLIND",
    "vague": "VAGUE_SOURCE",
    "plain": "OVERSKEPTIC",
    "analysis": "OPINION_AS_FACT",
    "advocacy": "OPINION_AS_FACT",
}
