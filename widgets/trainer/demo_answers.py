"""The demo's simulated written answers, and the simulated trainer who marks them by what they say.

Each written question of the course has three simulated answers, written for that question: a strong
one, a partial one, and "Not sure.". The simulated trainer marks an answer with the question's rubric
criteria, each turned into a small rule anyone can read: a criterion is met when the answer contains
each of its key ideas (any of the listed wordings), or, for a "name at least N of these" criterion, at
least N of them. The mark is the sum of the points of the criteria met, so a strong answer scores
high, a partial one about half, and "Not sure." scores 0 whatever the learner's pattern.

The criteria follow each module's mark scheme in source/ (the rubric's own words are the trainer's
to judge; these rules only stand in for the trainer in the demo). A written question without an
entry here (a new module) is marked by a plain fallback rule: half its points for an answer of at
least 20 words, the other half for at least two sentences.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

NOT_SURE = "Not sure."


@dataclass(frozen=True)
class Criterion:
    points: float
    rule: str  # the rule in words, as a trainer would say it
    ideas: tuple[tuple[str, ...], ...]  # key ideas, each as the wordings that count for it
    at_least: int | None = None  # met when this many ideas are present (default: every idea)

    def met(self, answer: str) -> bool:
        text = " ".join(answer.lower().split())
        present = sum(any(wording in text for wording in idea) for idea in self.ideas)
        return present >= (len(self.ideas) if self.at_least is None else self.at_least)


@dataclass(frozen=True)
class WrittenQuestion:
    criteria: tuple[Criterion, ...]
    strong: str
    partial: str


def mark(answer: str, points: float, question: WrittenQuestion | None) -> float:
    """The simulated trainer's mark: the points of the criteria the answer meets, at most `points`."""
    if question is None:
        words = len(answer.split())
        sentences = len([s for s in re.split(r"[.!?]+", answer) if len(s.split()) >= 3])
        half = math.floor(points / 2)
        return (half if words >= 20 else 0) + (points - half if sentences >= 2 else 0)
    return min(points, sum(c.points for c in question.criteria if c.met(answer)))


def answer_for(pattern: str, question: WrittenQuestion | None) -> str:
    """What a learner of this pattern writes: strong, partial, or "Not sure."."""
    if pattern == "struggling":
        return NOT_SURE
    if question is None:
        strong = ("Both conditions need care at the same time, because each one affects the other. "
                  "I would explain this to the client in plain words and check in with my supervisor.")
        partial = "Both conditions need care at the same time, because each one can affect the other one a lot."
        return strong if pattern in ("strong", "late") else partial
    return question.strong if pattern in ("strong", "late") else question.partial


DIMENSIONS = (("intoxication", "withdrawal potential"), ("biomedical",), ("emotional",), ("readiness",),
              ("relapse", "continued use"), ("living environment", "recovery/living"))

QUESTIONS: dict[str, WrittenQuestion] = {
    # Module 1, Question 12: why Dana's mood and drinking are treated together.
    "q12_written_both": WrittenQuestion(
        criteria=(
            Criterion(1, "says the mood and the drinking feed each other",
                      (("feed each other", "feeds the other", "keep each other going", "two-way"),)),
            Criterion(1, "says neither has to wait: both are worked on now",
                      (("neither has to wait", "both at the same time", "both now"),)),
            Criterion(1, "names an outcome of integrated treatment",
                      (("drink less or stop", "reduced or stopped", "quality of life", "fewer hospital",
                        "better chance"),)),
            Criterion(1, "speaks to Dana and says her mood and safety will keep being asked about",
                      (("you",), ("keep asking", "988"))),
        ),
        strong=("Dana, your low mood and your drinking feed each other: when you feel down you drink, and the "
                "drinking makes the next day lower still. If we left your mood for later, it could keep pulling "
                "you back to drinking, so neither has to wait: we work on both at the same time, here in one "
                "program. People who get help for both together often drink less or stop, and have a better "
                "quality of life. We will keep asking how your mood is and how safe you feel."),
        partial="Your mood and your drinking feed each other, so it is better to work on both at the same time.",
    ),
    # Module 2, Question 14: what to do after Marcus's C-SSRS screener answers.
    "q14_written_cssrs": WrittenQuestion(
        criteria=(
            Criterion(1, "asks Q3, Q4, Q5 and Q6 after a yes to Q2",
                      (("q3",), ("q4",), ("q5",), ("q6",))),
            Criterion(1, "states Columbia's high-risk rule with its time windows",
                      (("columbia",), ("past month",), ("3 months", "three months"), ("high risk",))),
            Criterion(1, "acts at once: supervisor, referral, not left alone",
                      (("supervisor",), ("referral", "refer"), ("not leave him alone", "safety precautions"))),
            Criterion(1, "describes the 988 Lifeline in the course's words",
                      (("988",), ("free",), ("confidential",), ("24/7",), ("text",), ("chat",))),
            Criterion(1, "keeps the screen apart from a diagnosis",
                      (("not a diagnosis",), ("assessment",))),
        ),
        strong=("After his yes to Q2, I asked Q3 (method), Q4 (intent without a plan) and Q5 (intent with a "
                "plan), then Q6 (behavior), as the screener's flow says. His yes to Q4 is high risk under "
                "Columbia's triage rule: a yes to Q4 or Q5 in the past month, or any suicidal behavior in the "
                "past 3 months, is high risk, and his reassurance does not change that. So I did not leave him "
                "alone: I followed the agency's safety procedure, brought in my supervisor at once and made an "
                "immediate referral to mental health services, because this could not wait for his next "
                "session, and I would call 911 if he were in immediate danger. I told him about the 988 Suicide "
                "& Crisis Lifeline: free, confidential and available 24/7 by call, text or chat, and 911 for "
                "immediate danger. The C-SSRS is a screener, not a diagnosis: it decides the next step, and the "
                "fuller picture belongs to the assessment."),
        partial=("I asked the next questions and saw he had thoughts with some intent, so I told my supervisor "
                 "and made a referral to mental health services the same day, and did not leave him alone. I "
                 "gave him the 988 number: free, confidential and available 24/7 by call, text or chat."),
    ),
    # Module 3, Question 11: the reply about Grace's quadrant and setting.
    "q11_written_grace": WrittenQuestion(
        criteria=(
            Criterion(1, "places Grace in Quadrant III from her two severity ratings",
                      (("quadrant iii",), ("substance", "drinking", "alcohol"), ("high",), ("low",))),
            Criterion(1, "explains that severity, not the diagnoses, decides the quadrant",
                      (("severity", "how severe"), ("not the diagnoses", "diagnoses alone", "not by diagnosis"))),
            Criterion(1, "names the intermediate-level substance abuse program, coordinated for her PTSD",
                      (("intermediate-level substance",), ("coordinat",))),
            Criterion(1, "thanks or credits the colleague", (("thank",),)),
        ),
        strong=("Thank you for referring Grace. I placed her in Quadrant III: her substance-use severity is "
                "high and her mental-health severity is low, since her PTSD is stable. The quadrants follow how "
                "severe each condition is, not the diagnoses alone, so two diagnoses do not place anyone in "
                "Quadrant IV, and the same diagnoses can sit in different quadrants. I referred her to an "
                "intermediate-level substance abuse program, coordinated with mental health services for her "
                "PTSD, the usual setting for Quadrant III."),
        partial=("Thank you for the referral. I placed Grace in Quadrant III because her drinking is rated high "
                 "and her PTSD low."),
    ),
    # Module 4, Question 12: Marcus's next level of care and the six ASAM dimensions.
    "q12_written_marcus": WrittenQuestion(
        criteria=(
            Criterion(1, "recommends IOP and calls it a step down",
                      (("iop", "intensive outpatient"), ("step down", "step-down", "stepping down"))),
            Criterion(1, "justifies it with the three minimal-risk conditions",
                      (("minimal",), ("withdrawal",), ("medical",), ("psychological", "mood"))),
            Criterion(1, "names at least four of the six dimensions", DIMENSIONS, at_least=4),
            Criterion(1, "names all six dimensions", DIMENSIONS, at_least=6),
            Criterion(1, "links at least four dimensions to Marcus's facts",
                      (("withdrawal over", "withdrawal is over"), ("no medical problem",), ("mood eased",),
                       ("wants to stay sober",), ("evenings",), ("sister",)), at_least=4),
        ),
        strong=("- Recommendation: IOP (Level 2.1), a step down from inpatient care.\n"
                "- Why: his risk of acute intoxication or withdrawal, his medical conditions and his "
                "psychological symptoms are all minimal now, and for such clients the SAMHSA Advisory reports "
                "IOP outcomes comparable to residential outcomes.\n"
                "- 1 Acute Intoxication and/or Withdrawal Potential: withdrawal over.\n"
                "- 2 Biomedical Conditions and Complications: no medical problem that needs the hospital.\n"
                "- 3 Emotional, Behavioral, or Cognitive Conditions and Complications: depression, mood eased, "
                "takes part in groups; we keep checking his mood and suicide risk.\n"
                "- 4 Readiness to Change: wants to stay sober and go back to work.\n"
                "- 5 Relapse, Continued Use, or Continued Problem Potential: evenings at home were when he drank.\n"
                "- 6 Recovery/Living Environment: lives with his sister, alone three evenings a week; supports "
                "outside the family still to find out."),
        partial=("IOP, a step down from the hospital. Dimensions: withdrawal potential (withdrawal over), "
                 "biomedical (no medical problem), emotional (mood eased), readiness (wants to stay sober)."),
    ),
    # Module 5, Question 12: Rosa's stages, a reflection, an approach for trauma and drinking, and her remark.
    "q12_written_rosa": WrittenQuestion(
        criteria=(
            Criterion(1, "names contemplation and the matching IDDT stage, persuasion",
                      (("contemplation",), ("persuasion",))),
            Criterion(1, "writes a reflection of her sleep and her own reasons for change",
                      (("sleep",), ("daughter", "your job", "late for work"), ("and you're worried", "and you are worried",
                                                                              "at the same time"))),
            Criterion(1, "names Seeking Safety and says its evidence honestly",
                      (("seeking safety",), ("no reliable difference", "no more than", "did no better",
                                             "not proven better", "as much as"))),
            Criterion(1, "asks her directly or screens the same day, and tells the supervisor",
                      (("ask her directly", "suicide-risk screen", "ask her about thoughts of suicide"),
                       ("supervisor",))),
            Criterion(1, "names the 988 Lifeline and 911 for immediate danger", (("988",), ("911",))),
        ),
        strong=("- Stages: contemplation. She names concerns (her daughter, being late for work) but is "
                "ambivalent: wine helps her sleep. The matching IDDT stage is persuasion, building motivation "
                "to manage both.\n"
                "- Reflection: \"Wine helps you get to sleep when the crash replays, and you're worried about "
                "what your daughter sees and about your job.\"\n"
                "- Approach: Seeking Safety, for trauma and substance use together, in group or one to one. "
                "Honestly: in the largest trial (Hien et al., 2009) PTSD symptoms fell a lot, but with no "
                "reliable difference from a health-education comparison, so it is not proven better than other "
                "active treatments.\n"
                "- Today: after group I ask her directly about thoughts of suicide, use our suicide-risk screen "
                "and safety procedure, and tell my supervisor before she leaves. I make sure she knows the 988 "
                "Suicide & Crisis Lifeline (free, confidential, 24/7 by call, text or chat) and that 911 is for "
                "immediate danger. She drinks most evenings, so a medical check of withdrawal risk comes before "
                "she stops."),
        partial=("Rosa is in contemplation, the persuasion stage. I would offer her Seeking Safety. I would give "
                 "her the 988 number and tell her to call 911 in an emergency."),
    ),
    # Module 6, Question 11: Victor's treatment-plan review note from his timeline.
    "q11_written_victor": WrittenQuestion(
        criteria=(
            Criterion(1, "names both meaningful changes with their rules",
                      (("5 points", "5-point", "five points"), ("4 points", "4-point", "four points"),
                       ("phq-9",), ("gad-7",))),
            Criterion(1, "takes the same-day safety step for item 9",
                      (("item 9",), ("today", "same day"), ("c-ssrs",), ("supervisor",), ("988",), ("911",))),
            Criterion(1, "reads the missed sessions and the positive test as information, not a verdict",
                      (("shift", "barrier", "gets in the way"), ("not a diagnosis", "not proof"))),
            Criterion(1, "changes the plan with him and says why now",
                      (("with him", "with victor"), ("assessed continually", "modified as necessary"))),
            Criterion(1, "says what is measured and when the plan is reviewed again",
                      (("weekly", "every week", "each week"), ("review again", "review in", "reviewed again"))),
        ),
        strong=("- Meaningful change: his PHQ-9 rose 7 points from week 1 (10 to 17), past the 5-point minimal "
                "clinically important difference (Löwe et al., 2004) in week 5; his GAD-7 rose 5 points (8 to 13), "
                "past the 4-point difference for the GAD-7 (Toussaint et al., 2020), also in week 5.\n"
                "- Today: item 9 is 1 on his week-6 form, so before the plan I ask the C-SSRS screener questions, "
                "tell my supervisor and follow the agency's safety procedure, and make sure he has the 988 Lifeline "
                "(free, confidential, 24/7 by call, text or chat) and knows 911 is for immediate danger. The total "
                "does not show item 9.\n"
                "- Missed sessions and the test: the missed groups follow his new late shifts, a barrier we work on "
                "together, since retention is a priority. The positive alcohol test is something to talk over with "
                "him; it is not a diagnosis and not a reason for discharge.\n"
                "- Plan, made with him: move him to a track whose hours fit his shifts, add an individual session "
                "on sleep and late-night drinking, and ask case management to help with his schedule. A plan must be "
                "assessed continually and modified as necessary (NIDA, 1999), and his needs have changed.\n"
                "- Monitoring: PHQ-9 (item 9 on every form) and GAD-7 weekly, attendance and a test at least once a "
                "week on his timeline, and we review again in two weeks."),
        partial=("His PHQ-9 rose 7 points, past the 5-point rule, and his GAD-7 5 points, past the 4-point rule, "
                 "so both changes are meaningful. He misses groups because of his shifts. I would keep giving the "
                 "PHQ-9 weekly and review again next month."),
    ),
    # Module 8, Question 13: Renata's treatment plan at IOP admission (the capstone).
    "q13_written_treatment_plan": WrittenQuestion(
        criteria=(
            Criterion(1, "sets her own goals for both the drinking and the mood, treated together",
                      (("stop drinking", "drinking"), ("feel like myself", "mood"), ("together", "both"))),
            Criterion(1, "plans an IOP week of at least 9 hours that fits her job",
                      (("9 hours", "nine hours", "9.5 hours", "10 hours"), ("group",), ("job", "work"))),
            Criterion(1, "measures the PHQ-9 with item 9 and names the safety steps",
                      (("phq-9",), ("item 9",), ("c-ssrs",), ("supervisor",), ("988",), ("911",))),
            Criterion(1, "reviews the plan on a date and moves her only by reassessment",
                      (("review",), ("reassess",), ("least intensive", "least restrictive"))),
            Criterion(1, "books the next service before IOP ends, with written consent",
                      (("before iop ends", "before she leaves iop", "booked before"), ("written consent",))),
        ),
        strong=("- Goals, in her words: \"stop drinking\" and \"feel like myself again\", and keep her job; her "
                "drinking and her mood are treated together in the same program (quadrant III).\n"
                "- IOP week: evening track, group therapy three evenings (3 hours each), individual counseling "
                "1 hour and case management 0.5 hours: 10.5 hours, above the 9 hours minimum for adults, after "
                "work so she keeps her job.\n"
                "- Measures: PHQ-9 weekly with item 9 read on every form, her drinking record and testing as the "
                "program does it. If item 9 is ever above 0: the same day, the C-SSRS screener questions, my "
                "supervisor and the agency's safety procedure, 988 (call, text or chat) and 911 for immediate "
                "danger. If withdrawal signs worsen: back to the medical staff at once, 911 in an emergency.\n"
                "- Review every two weeks with her and the team; the plan is assessed continually and modified as "
                "necessary. Any step up or down comes from a reassessment with the team, to the least intensive "
                "setting that can support her recovery.\n"
                "- Step-down: weekly outpatient counseling booked before IOP ends, her plan shared with her written "
                "consent under 42 CFR Part 2, her safety contacts and 988 carried over, and her mutual-help meeting "
                "kept, because interruption of care is a major obstacle to recovery."),
        partial=("Her goals are to stop drinking and feel better. She will go to group three evenings a week after "
                 "work, 9 hours, and we will give her the PHQ-9 weekly. We will review the plan next month and "
                 "discharge her when she is doing well."),
    ),
    # Module 7, Question 10: Bianca's relapse-prevention plan, written as the plan builder's dict.
    "q10_written_bianca_plan": WrittenQuestion(
        criteria=(
            Criterion(1, "names two high-risk situations from the case",
                      (("thursday", "double shift"), ("sunday", "mother"))),
            Criterion(1, "gives the warning signs she would notice first",
                      (("warning_signs",), ("bargaining",), ("heavy", "not answering", "stops answering"))),
            Criterion(1, "gives concrete coping responses for each situation",
                      (("coping",), ("route", "way home", "walk", "leave at", "call on the way"))),
            Criterion(1, "names people to call from her own supports",
                      (("people",), ("neighbor", "neighbour"), ("double trouble", "dtr", "counselor"))),
            Criterion(1, "ends with 988 and 911 and a review of the plan",
                      (("988",), ("911",), ("review",))),
        ),
        strong=('bianca_plan = {\n'
                '    "client": "Bianca (fictional)",\n'
                '    "situations": [\n'
                '        {"situation": "Thursday night after a double shift, passing the store that sells wine",\n'
                '         "warning_signs": ["bargaining with myself on the bus", "exhausted, feet hurting"],\n'
                '         "coping": ["take the bus route home that avoids the store", "have dinner ready before '
                'the shift", "walk with my neighbor"],\n'
                '         "people": ["my neighbor", "my IOP counselor"]},\n'
                '        {"situation": "Sunday afternoon arguments at my mother\'s house about the divorce",\n'
                '         "warning_signs": ["feeling heavy", "not answering messages"],\n'
                '         "coping": ["leave at 4 p.m. as agreed", "call on the way home", "go to a Double Trouble '
                'meeting"],\n'
                '         "people": ["my neighbor", "people from my Double Trouble in Recovery meeting"]},\n'
                '    ],\n'
                '    "crisis": ["988 Suicide & Crisis Lifeline: call, text or chat 988 in a crisis",\n'
                '               "911 if I or anyone is in immediate danger"],\n'
                '}\n'
                'We review the plan together at next week\'s session: what she practised, what got in the way.'),
        partial=('bianca_plan = {"client": "Bianca (fictional)", "situations": [{"situation": "Thursday after '
                 'a double shift", "warning_signs": ["tired"], "coping": ["stay strong"], "people": ["her '
                 'mother"]}], "crisis": ["988"]}'),
    ),
    # The trainer tools' practice module (tests/fixtures/trainer), Question 5: why treat both.
    "q5_written_relapse": WrittenQuestion(
        criteria=(
            Criterion(1, "says the untreated condition keeps driving the other",
                      (("untreated", "not treated"), ("keeps", "feeds", "drives"))),
            Criterion(1, "names relapse as the outcome", (("relapse",),)),
        ),
        strong=("Each condition keeps the other going: untreated depression makes drinking a way to cope, and "
                "drinking deepens the depression, so treating one alone often ends in relapse."),
        partial="If only one problem is treated, the person can relapse.",
    ),
}
