"""Course models, one module per aggregate (DESIGN section 4)."""

from .catalogue import (
    ContentWarning,
    Course,
    CourseStaff,
    ExposureLevel,
    Lesson,
    LessonVersion,
    Module,
    ModuleVersion,
    id_key,
    jurisdiction_key,
    normalise_jurisdiction,
    published_modules_q,
)
from .certificates import Certificate
from .drills import Drill, DrillAnswer, DrillAttempt, ScenarioCard
from .learning import AssignmentRule, Enrolment, LearnerPreference, LessonProgress, ModuleProgress
from .media import LessonImage, LessonVariant
from .quizzes import Choice, Question, QuizAttempt, QuizAttemptGrant
from .recertification import Refresher, RefresherLesson, RefresherPolicy, Reminder, add_months
from .reference import FollowUpAction, GlossaryTerm, PriorityLevel
from .taxonomy import Competency, TopicTag

__all__ = [
    "AssignmentRule",
    "Certificate",
    "Choice",
    "Competency",
    "ContentWarning",
    "Course",
    "CourseStaff",
    "Drill",
    "DrillAnswer",
    "DrillAttempt",
    "Enrolment",
    "ExposureLevel",
    "FollowUpAction",
    "GlossaryTerm",
    "LearnerPreference",
    "Lesson",
    "LessonImage",
    "LessonProgress",
    "LessonVariant",
    "LessonVersion",
    "Module",
    "ModuleProgress",
    "ModuleVersion",
    "PriorityLevel",
    "Question",
    "QuizAttempt",
    "QuizAttemptGrant",
    "Refresher",
    "RefresherLesson",
    "RefresherPolicy",
    "Reminder",
    "ScenarioCard",
    "TopicTag",
    "add_months",
    "id_key",
    "jurisdiction_key",
    "normalise_jurisdiction",
    "published_modules_q",
]
