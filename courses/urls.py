from django.urls import path

from .views import authoring, drill_authoring, learning, reference, supervision

app_name = "courses"

urlpatterns = [
    # Learners
    path("", learning.catalogue, name="catalogue"),
    path("mine/", learning.my_learning, name="mine"),
    path("preferences/", learning.preferences, name="preferences"),
    path("c/<slug:slug>/", learning.course_detail, name="course"),
    path("c/<slug:slug>/enrol/", learning.course_enrol, name="enrol"),
    path("c/<slug:slug>/lessons/<int:lesson_id>/", learning.lesson_detail, name="lesson"),
    path(
        "c/<slug:slug>/lessons/<int:lesson_id>/continue/",
        learning.lesson_continue,
        name="lesson_continue",
    ),
    path(
        "c/<slug:slug>/lessons/<int:lesson_id>/postpone/",
        learning.lesson_postpone,
        name="lesson_postpone",
    ),
    path(
        "c/<slug:slug>/lessons/<int:lesson_id>/complete/",
        learning.lesson_complete,
        name="lesson_complete",
    ),
    path(
        "c/<slug:slug>/lessons/<int:lesson_id>/pause/", learning.lesson_pause, name="lesson_pause"
    ),
    path("c/<slug:slug>/modules/<int:module_id>/quiz/", learning.quiz, name="quiz"),
    path(
        "c/<slug:slug>/modules/<int:module_id>/quiz/start/", learning.quiz_start, name="quiz_start"
    ),
    path("quiz/attempts/<int:pk>/", learning.quiz_attempt, name="quiz_attempt"),
    path("quiz/attempts/<int:pk>/submit/", learning.quiz_submit, name="quiz_submit"),
    path("certificates/<str:code>/", learning.certificate_detail, name="certificate"),
    path("c/<slug:slug>/renew/", learning.certificate_renew, name="renew"),
    path("refreshers/<int:pk>/", learning.refresher_detail, name="refresher"),
    path("images/<uuid:uuid>/", learning.image_serve, name="image"),
    # Public certificate verification (no sign-in)
    path("verify/", reference.verify, name="verify"),
    path("verify/<str:code>/", reference.verify_code, name="verify_code"),
    # Reference library and drills
    path("reference/", reference.reference, name="reference"),
    path("reference/glossary/", reference.glossary, name="glossary"),
    path("drills/<int:pk>/", reference.drill_detail, name="drill"),
    path("drills/<int:pk>/start/", reference.drill_start, name="drill_start"),
    path("drills/<int:pk>/cards/<int:card_id>/", reference.drill_card, name="drill_card"),
    path("drills/<int:pk>/submit/", reference.drill_submit, name="drill_submit"),
    path("drills/results/<int:pk>/", reference.drill_result, name="drill_result"),
    # Trainers
    path("authoring/", authoring.authoring_home, name="authoring"),
    path("authoring/new/", authoring.course_create, name="authoring_course_new"),
    path("authoring/<int:pk>/", authoring.course_manage, name="authoring_course"),
    path("authoring/<int:pk>/edit/", authoring.course_edit, name="authoring_course_edit"),
    path("authoring/<int:pk>/status/", authoring.course_status, name="authoring_course_status"),
    path("authoring/<int:pk>/staff/", authoring.course_staff, name="authoring_course_staff"),
    path(
        "authoring/<int:pk>/refresher-policy/",
        authoring.refresher_policy_edit,
        name="authoring_refresher_policy",
    ),
    path("authoring/<int:pk>/modules/new/", authoring.module_create, name="authoring_module_new"),
    path("authoring/modules/<int:pk>/", authoring.module_manage, name="authoring_module"),
    path("authoring/modules/<int:pk>/edit/", authoring.module_edit, name="authoring_module_edit"),
    path(
        "authoring/modules/<int:pk>/action/",
        authoring.module_action,
        name="authoring_module_action",
    ),
    path("authoring/modules/<int:pk>/publish/", authoring.module_publish, name="authoring_publish"),
    path(
        "authoring/modules/<int:pk>/attempts/",
        authoring.quiz_attempts_grant,
        name="authoring_attempts_grant",
    ),
    path(
        "authoring/modules/<int:pk>/versions/", authoring.module_versions, name="authoring_versions"
    ),
    path("authoring/modules/<int:pk>/diff/", authoring.module_diff, name="authoring_diff"),
    path(
        "authoring/modules/<int:pk>/lessons/new/",
        authoring.lesson_create,
        name="authoring_lesson_new",
    ),
    path(
        "authoring/modules/<int:pk>/questions/new/",
        authoring.question_create,
        name="authoring_question_new",
    ),
    path("authoring/lessons/<int:pk>/", authoring.lesson_edit, name="authoring_lesson"),
    path(
        "authoring/lessons/<int:pk>/action/",
        authoring.lesson_action,
        name="authoring_lesson_action",
    ),
    path("authoring/preview/", authoring.lesson_preview, name="authoring_preview"),
    path(
        "authoring/lessons/<int:pk>/variants/",
        authoring.lesson_variants,
        name="authoring_variants",
    ),
    path("authoring/modules/<int:pk>/images/", authoring.image_upload, name="authoring_image"),
    path(
        "authoring/modules/<int:pk>/images/<uuid:uuid>/delete/",
        authoring.image_delete,
        name="authoring_image_delete",
    ),
    path("authoring/questions/<int:pk>/", authoring.question_edit, name="authoring_question"),
    path("authoring/drills/<int:pk>/agreement/", reference.drill_agreement, name="drill_agreement"),
    # Trainers: triage drills and their scenario cards
    path("authoring/<int:pk>/drills/", drill_authoring.drill_list, name="authoring_drills"),
    path(
        "authoring/<int:pk>/drills/new/", drill_authoring.drill_create, name="authoring_drill_new"
    ),
    path("authoring/drills/<int:pk>/", drill_authoring.drill_manage, name="authoring_drill"),
    path(
        "authoring/drills/<int:pk>/edit/", drill_authoring.drill_edit, name="authoring_drill_edit"
    ),
    path(
        "authoring/drills/<int:pk>/delete/",
        drill_authoring.drill_delete,
        name="authoring_drill_delete",
    ),
    path(
        "authoring/drills/<int:pk>/status/",
        drill_authoring.drill_status,
        name="authoring_drill_status",
    ),
    path(
        "authoring/drills/<int:pk>/cards/new/",
        drill_authoring.card_create,
        name="authoring_card_new",
    ),
    path("authoring/cards/<int:pk>/", drill_authoring.card_edit, name="authoring_card"),
    path("authoring/cards/<int:pk>/move/", drill_authoring.card_move, name="authoring_card_move"),
    path(
        "authoring/cards/<int:pk>/delete/",
        drill_authoring.card_delete,
        name="authoring_card_delete",
    ),
    # Supervisors and agency admins
    path("reports/", supervision.reports, name="reports"),
    path("reports/people/<int:pk>/", supervision.report_person, name="report_person"),
    path("assign/", supervision.assign, name="assign"),
    path("rules/", supervision.rules_list, name="rules"),
    path("rules/<int:pk>/stop/", supervision.rule_deactivate, name="rule_deactivate"),
]
