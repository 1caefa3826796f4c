"""Diagram uploads: sniffed type, size cap, EXIF stripped, served only to signed-in people
who may see the course."""

from __future__ import annotations

import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from courses import services
from courses.models import Course, LessonImage
from tests.factories import UserFactory

from .factories import CourseFactory, ModuleFactory, staff


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def module(trainer):
    course = CourseFactory()
    staff(course, trainer)
    return ModuleFactory(course=course)


def _image_bytes(fmt="JPEG", size=(40, 30), exif=True) -> bytes:
    image = Image.new("RGB", size, (200, 30, 30))
    out = io.BytesIO()
    options = {}
    if exif and fmt == "JPEG":
        data = Image.Exif()
        data[0x010F] = "CameraMaker"  # Make
        data[0x8825] = {2: (48.0, 51.0, 24.0)}  # GPS latitude
        options["exif"] = data.tobytes()
    image.save(out, format=fmt, **options)
    return out.getvalue()


def _upload(data: bytes, name="diagram.jpg", content_type="image/jpeg"):
    return SimpleUploadedFile(name, data, content_type=content_type)


def test_upload_strips_exif_and_keeps_the_pixels(trainer, module):
    raw = _image_bytes()
    assert b"CameraMaker" in raw

    image = services.lesson_image_upload(
        actor=trainer, module=module, upload=_upload(raw), alt_text="Flow of a referral"
    )

    stored = image.file.read()
    assert b"CameraMaker" not in stored
    with Image.open(io.BytesIO(stored)) as reopened:
        assert reopened.format == "JPEG" and reopened.size == (40, 30)
        assert not reopened.getexif()
    assert (image.content_type, image.width, image.height) == ("image/jpeg", 40, 30)


def test_stored_name_never_comes_from_the_uploader(trainer, module):
    image = services.lesson_image_upload(
        actor=trainer,
        module=module,
        upload=_upload(_image_bytes(), name="../../etc/passwd.jpg"),
        alt_text="x",
    )

    assert image.file.name == f"course-images/{module.pk}/{image.uuid}.jpg"


def test_type_is_sniffed_not_taken_from_the_name(trainer, module):
    fake = _upload(b"<svg onload=alert(1)>", name="diagram.png", content_type="image/png")

    with pytest.raises(ValidationError):
        services.lesson_image_upload(actor=trainer, module=module, upload=fake, alt_text="x")
    assert not LessonImage.objects.exists()


def test_gif_is_refused(trainer, module):
    gif = _upload(_image_bytes("GIF", exif=False), name="a.gif", content_type="image/gif")

    with pytest.raises(ValidationError):
        services.lesson_image_upload(actor=trainer, module=module, upload=gif, alt_text="x")


def test_png_is_accepted(trainer, module):
    png = _upload(_image_bytes("PNG", exif=False), name="a.png", content_type="image/png")

    image = services.lesson_image_upload(actor=trainer, module=module, upload=png, alt_text="x")

    assert image.content_type == "image/png" and image.extension == "png"


def test_files_over_two_megabytes_are_refused(trainer, module):
    big = _upload(b"\xff\xd8" + b"0" * (2 * 1024 * 1024 + 1))

    with pytest.raises(ValidationError):
        services.lesson_image_upload(actor=trainer, module=module, upload=big, alt_text="x")


def test_huge_dimensions_are_refused(trainer, module):
    wide = _upload(_image_bytes("PNG", size=(4100, 1), exif=False), name="w.png")

    with pytest.raises(ValidationError):
        services.lesson_image_upload(actor=trainer, module=module, upload=wide, alt_text="x")


def test_a_text_alternative_is_required(trainer, module):
    with pytest.raises(ValidationError):
        services.lesson_image_upload(
            actor=trainer, module=module, upload=_upload(_image_bytes()), alt_text="  "
        )


def test_only_course_staff_upload(module):
    outsider = UserFactory(roles=["trainer"])

    with pytest.raises(PermissionDenied):
        services.lesson_image_upload(
            actor=outsider, module=module, upload=_upload(_image_bytes()), alt_text="x"
        )


@pytest.fixture
def image(trainer, module):
    return services.lesson_image_upload(
        actor=trainer, module=module, upload=_upload(_image_bytes()), alt_text="x"
    )


def test_image_is_served_to_signed_in_people_who_see_the_course(client_as, learner, image):
    response = client_as(learner).get(reverse("courses:image", args=[image.uuid]))

    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "private" in response["Cache-Control"]


def test_image_is_not_served_to_anonymous_visitors(client, image):
    response = client.get(reverse("courses:image", args=[image.uuid]))

    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_image_of_a_draft_course_is_404_for_learners(client_as, learner, image):
    Course.objects.filter(pk=image.module.course_id).update(status="draft")

    response = client_as(learner).get(reverse("courses:image", args=[image.uuid]))

    assert response.status_code == 404


def test_upload_view_shows_the_markdown_to_paste(client_as, trainer, module):
    response = client_as(trainer).post(
        reverse("courses:authoring_image", args=[module.pk]),
        {"file": _upload(_image_bytes()), "alt_text": "Referral flow"},
        follow=True,
    )

    image = LessonImage.objects.get()
    assert f"![Referral flow](/courses/images/{image.uuid}/)" in response.content.decode()


def test_delete_removes_the_diagram(client_as, trainer, image):
    client_as(trainer).post(
        reverse("courses:authoring_image_delete", args=[image.module_id, image.uuid])
    )

    assert not LessonImage.objects.exists()


def test_lesson_with_a_warning_and_an_image_is_blurred_until_revealed(
    client_as, learner, trainer, image
):
    from courses.models import Enrolment, LessonVersion

    from .factories import LessonFactory

    module = image.module
    LessonFactory(
        module=module,
        body_md=f"![x](/courses/images/{image.uuid}/)",
        exposure_level=1,
        content_warnings=["victim_account"],
    )
    services.module_publish(actor=trainer, module=module, change_summary="x")
    Enrolment.objects.create(user=learner, course=module.course, source="self")
    version = LessonVersion.objects.get()
    services.lesson_warning_acknowledge(actor=learner, lesson_version=version)
    url = reverse("courses:lesson", args=[module.course.slug, version.lesson_id])
    client = client_as(learner)

    blurred = client.get(url).content.decode()
    revealed = client.get(url + "?reveal=1").content.decode()

    assert "is-blurred" in blurred and 'aria-pressed="false"' in blurred
    assert "is-blurred" not in revealed
