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
