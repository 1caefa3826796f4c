"""Views: parse -> user-scoped lookup (404 when not visible) -> one service or selector ->
render. Pages for a role the person does not hold answer 403; objects they may not see 404.
"""

from __future__ import annotations

from datetime import UTC, datetime, time
from functools import wraps

import rules
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from . import forms, selectors, services
from .models import Source, TagRule

PAGE_SIZE = 25
GET_POST = require_http_methods(["GET", "POST"])


# --- Helpers ------------------------------------------------------------------------------


def _found(lookup, **kwargs):
    """Run a selector lookup; any DoesNotExist becomes the one 404."""
    try:
        return lookup(**kwargs)
    except ObjectDoesNotExist:
        raise Http404 from None


def _page(request, rows):
    return Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))


def _form_error(form, error: ValidationError) -> None:
    """A service's ValidationError on the form: per field where the form has it."""
    if hasattr(error, "error_dict"):
        for name, errors in error.error_dict.items():
            for item in errors:
                form.add_error(name if name in form.fields else None, item)
    else:
        form.add_error(None, error)


def allowed(perm: str):
    """Signed in, approved and holding `perm`; 403 otherwise."""

    def decorator(view):
        @login_required
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if not rules.has_perm(perm, request.user):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapper

    return decorator


def _query_without_page(request) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


# --- Sources ------------------------------------------------------------------------------


@allowed("threat_feed.manage_sources")
@require_GET
def source_list(request):
    sources = selectors.source_list_visible_to(user=request.user)
    return render(
        request,
        "threat_feed/sources.html",
        {
            "page": _page(request, sources),
            "queue": selectors.trend_item_queue_counts(user=request.user),
        },
    )


@allowed("threat_feed.manage_sources")
@GET_POST
def source_edit(request, pk: int | None = None):
    """Add a source (no pk) or change one; the kind of an existing source is fixed."""
    source = _found(selectors.source_get, user=request.user, pk=pk) if pk else None
    form = forms.SourceForm(request.POST or None, instance=source)
    if request.method == "POST" and form.is_valid():
        fields = [n for n in services.SOURCE_FIELDS if source is None or n != "kind"]
        data = {name: form.cleaned_data[name] for name in fields}
        try:
            if source is None:
                saved = services.source_create(
                    actor=request.user, owners=form.cleaned_data["owners"], **data
                )
            else:
                saved = services.source_update(
                    actor=request.user,
                    source=Source.objects.get(pk=source.pk),
                    owners=form.cleaned_data["owners"],
                    **data,
                )
        except ValidationError as error:
            _form_error(form, error)
        else:
            messages.success(request, _("Source saved.") if source else _("Source added."))
            return redirect("threat_feed:source", pk=saved.pk)
    return render(request, "threat_feed/source_form.html", {"form": form, "source": source})


def _source_page(request, source, upload_form=None, status=200):
    return render(
        request,
        "threat_feed/source_detail.html",
        {
            "source": source,
            "fetches": selectors.source_fetch_list(source=source),
            "upload_form": upload_form or forms.StixUploadForm(),
            "pause_form": forms.PauseForm(),
            "counts": selectors.source_item_counts(source=source),
        },
        status=status,
    )


@allowed("threat_feed.manage_sources")
@require_GET
def source_detail(request, pk: int):
    source = _found(selectors.source_get, user=request.user, pk=pk)
    return _source_page(request, source)


@allowed("threat_feed.manage_sources")
@require_POST
def source_fetch_now(request, pk: int):
    source = _found(selectors.source_get, user=request.user, pk=pk)
    try:
        services.source_fetch_now(actor=request.user, source=source)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The source will be fetched in a moment. Reload to see it."))
    return redirect("threat_feed:source", pk=source.pk)


@allowed("threat_feed.manage_sources")
@GET_POST
def source_pause(request, pk: int):
    source = _found(selectors.source_get, user=request.user, pk=pk)
    form = forms.PauseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.source_pause(actor=request.user, source=source, reason=form.cleaned_data["reason"])
        messages.success(request, _("Source paused: it is not fetched until you resume it."))
        return redirect("threat_feed:source", pk=source.pk)
    return render(request, "threat_feed/source_pause.html", {"source": source, "form": form})


@allowed("threat_feed.manage_sources")
@require_POST
def source_resume(request, pk: int):
    source = _found(selectors.source_get, user=request.user, pk=pk)
    services.source_resume(actor=request.user, source=source)
    messages.success(request, _("Source resumed: it is fetched at the next round."))
    return redirect("threat_feed:source", pk=source.pk)


@allowed("threat_feed.manage_sources")
@require_POST
def source_upload(request, pk: int):
    source = _found(selectors.source_get, user=request.user, pk=pk)
    form = forms.StixUploadForm(request.POST, request.FILES)
    if form.is_valid():
        upload = form.cleaned_data["bundle"]
        limit = int(services.feed_setting("THREAT_FEED_UPLOAD_MAX_BYTES"))
        data = upload.read(limit + 1)
        try:
            result = services.source_stix_upload(actor=request.user, source=source, data=data)
        except ValidationError as error:
            form.add_error("bundle", error)
        else:
            messages.success(
                request,
                _("Bundle read: %(added)s added, %(known)s already known, %(ignored)s ignored.")
                % {
                    "added": result.added,
                    "known": result.duplicates,
                    "ignored": result.ignored,
                },
            )
            return redirect("threat_feed:source", pk=source.pk)
    return _source_page(request, source, upload_form=form, status=400)


@allowed("threat_feed.manage_sources")
@GET_POST
def item_write(request):
    sources = selectors.source_list_for_writing()
    initial = {}
    wanted = request.GET.get("source", "")
    if wanted.isdigit():
        initial["source"] = int(wanted)
    form = forms.ManualItemForm(request.POST or None, sources=sources, initial=initial)
    if request.method == "POST" and form.is_valid():
        published = form.cleaned_data["published_on"]
        try:
            item = services.trend_item_write(
                actor=request.user,
                source=form.cleaned_data["source"],
                title=form.cleaned_data["title"],
                summary=form.cleaned_data["summary"],
                link=form.cleaned_data["link"],
                published_at=datetime.combine(published, time(12), tzinfo=UTC)
                if published
                else None,
            )
        except ValidationError as error:
            _form_error(form, error)
        else:
            messages.success(request, _("Item written. Triage it now to publish it in the feed."))
            return redirect("threat_feed:triage_item", pk=item.pk)
    return render(
        request, "threat_feed/item_write.html", {"form": form, "has_sources": sources.exists()}
    )


# --- Triage -------------------------------------------------------------------------------


@allowed("threat_feed.triage_item")
@require_GET
def triage(request):
    params = request.GET.copy()
    if "status" not in params:
        params["status"] = "new"
    form = forms.TriageFilterForm(params)
    filters = form.cleaned_data if form.is_valid() else {"status": "new"}
    source = filters.get("source")
    tag = filters.get("tag")
    items = selectors.trend_item_triage_list(
        user=request.user,
        status=filters.get("status") or "",
        source_id=source.pk if source else None,
        tag_slug=tag.slug if tag else "",
        severity=filters.get("severity"),
        search=(filters.get("q") or "").strip(),
    )
    return render(
        request,
        "threat_feed/triage.html",
        {
            "form": form,
            "page": _page(request, items),
            "query": _query_without_page(request),
            "counts": selectors.trend_item_queue_counts(user=request.user),
        },
    )


@allowed("threat_feed.triage_item")
@GET_POST
def triage_item(request, pk: int):
    item = _found(selectors.trend_item_get, user=request.user, pk=pk)
    if item.status == "new":
        chosen = [tag.pk for tag in item.suggested_tags.all()]
    else:
        chosen = [tag.pk for tag in item.tags.all()]
    initial = {
        "status": item.status if item.status != "new" else "",
        "severity": item.severity,
        "tags": chosen,
    }
    form = forms.TriageForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.trend_item_triage(
                actor=request.user,
                item=item,
                status=form.cleaned_data["status"],
                severity=form.cleaned_data["severity"],
                tags=form.cleaned_data["tags"],
            )
        except ValidationError as error:
            _form_error(form, error)
        else:
            messages.success(request, _("Triage saved."))
            if "next" in request.POST:
                following = selectors.trend_item_next_to_triage(user=request.user, after=item)
                if following is not None:
                    return redirect("threat_feed:triage_item", pk=following.pk)
                messages.info(request, _("Nothing else waits for triage."))
            return redirect("threat_feed:triage")
    if form.is_bound:
        chosen = [int(v) for v in request.POST.getlist("tags") if v.isdigit()]
    return render(
        request,
        "threat_feed/triage_item.html",
        {
            "item": item,
            "form": form,
            "tag_groups": selectors.topic_tags_by_dimension(),
            "chosen": set(chosen),
            "suggested": {tag.pk for tag in item.suggested_tags.all()},
        },
        status=400 if form.is_bound else 200,
    )


# --- Tag rules ----------------------------------------------------------------------------


@allowed("threat_feed.manage_rules")
@require_GET
def rule_list(request):
    rules_ = selectors.tag_rule_list_visible_to(user=request.user)
    return render(request, "threat_feed/rules.html", {"page": _page(request, rules_)})


@allowed("threat_feed.manage_rules")
@GET_POST
def rule_edit(request, pk: int | None = None):
    rule = _found(selectors.tag_rule_get, user=request.user, pk=pk) if pk else None
    form = forms.TagRuleForm(request.POST or None, instance=rule)
    if request.method == "POST" and form.is_valid():
        data = {name: form.cleaned_data[name] for name in services.RULE_FIELDS}
        try:
            services.tag_rule_save(
                actor=request.user,
                rule=TagRule.objects.get(pk=rule.pk) if rule else None,
                **data,
            )
        except ValidationError as error:
            _form_error(form, error)
        else:
            messages.success(
                request, _("Rule saved. It suggests tags for items fetched from now on.")
            )
            return redirect("threat_feed:rules")
    return render(request, "threat_feed/rule_form.html", {"form": form, "rule": rule})


@allowed("threat_feed.manage_rules")
@GET_POST
def rule_delete(request, pk: int):
    rule = _found(selectors.tag_rule_get, user=request.user, pk=pk)
    if request.method == "POST":
        services.tag_rule_delete(actor=request.user, rule=rule)
        messages.success(request, _("Rule deleted."))
        return redirect("threat_feed:rules")
    return render(request, "threat_feed/rule_delete.html", {"rule": rule})


@allowed("threat_feed.manage_rules")
@require_POST
def rules_apply(request):
    changed = services.tag_rules_apply_waiting(actor=request.user)
    messages.success(
        request,
        ngettext(
            "Suggestions updated for %(n)s item waiting for triage.",
            "Suggestions updated for %(n)s items waiting for triage.",
            changed,
        )
        % {"n": changed},
    )
    return redirect("threat_feed:rules")


# --- The feed -----------------------------------------------------------------------------


@allowed("threat_feed.view_feed")
@require_GET
def feed(request):
    form = forms.FeedFilterForm(request.GET)
    filters = form.cleaned_data if form.is_valid() else {}
    tag = filters.get("tag")
    items = selectors.trend_feed_list(
        user=request.user,
        tag_slug=tag.slug if tag else "",
        dimension=filters.get("dimension") or "",
        min_severity=filters.get("severity"),
    )
    page = _page(request, items)
    modules = selectors.trend_item_modules_for(user=request.user, items=page.object_list)
    return render(
        request,
        "threat_feed/feed.html",
        {
            "form": form,
            "page": page,
            "rows": [(item, modules.get(item.pk, [])) for item in page.object_list],
            "query": _query_without_page(request),
            "filtered": any(filters.values()) if filters else bool(request.GET.dict()),
        },
    )


@allowed("threat_feed.view_feed")
@require_GET
def item_detail(request, pk: int):
    item = _found(selectors.trend_item_get, user=request.user, pk=pk)
    modules = selectors.trend_item_modules_for(user=request.user, items=[item])
    return render(
        request,
        "threat_feed/item_detail.html",
        {"item": item, "modules": modules.get(item.pk, [])},
    )


# --- Curriculum reviews -------------------------------------------------------------------


@allowed("threat_feed.view_reviews")
@require_GET
def review_list(request):
    form = forms.ReviewFilterForm(request.GET)
    status = form.cleaned_data["status"] if form.is_valid() else ""
    status = status or "open"
    reviews = selectors.curriculum_review_list_visible_to(
        user=request.user, status="" if status == "all" else status
    )
    return render(
        request,
        "threat_feed/reviews.html",
        {
            "form": form,
            "status": status,
            "page": _page(request, reviews),
            "query": _query_without_page(request),
            "today": timezone.localdate(),
        },
    )


def _review_page(request, review, form, status=200):
    return render(
        request,
        "threat_feed/review_detail.html",
        {
            "review": review,
            "form": form,
            "may_close": review.is_open
            and rules.has_perm("threat_feed.close_review", request.user, review),
            "today": timezone.localdate(),
        },
        status=status,
    )


@allowed("threat_feed.view_reviews")
@GET_POST
def review_detail(request, pk: int):
    review = _found(selectors.curriculum_review_get, user=request.user, pk=pk)
    versions = selectors.curriculum_review_versions(review=review)
    form = forms.ReviewCloseForm(request.POST or None, versions=versions)
    if request.method == "POST":
        if not rules.has_perm("threat_feed.close_review", request.user, review):
            raise PermissionDenied
        if not review.is_open:
            messages.info(request, _("This review is already closed."))
            return redirect("threat_feed:review", pk=review.pk)
        if form.is_valid():
            try:
                services.curriculum_review_close(
                    actor=request.user,
                    review=review,
                    outcome=form.cleaned_data["outcome"],
                    reason=form.cleaned_data["reason"],
                    version=form.cleaned_data["version"],
                )
            except ValidationError as error:
                _form_error(form, error)
            else:
                messages.success(
                    request, _("Review closed. The module is marked as reviewed today.")
                )
                return redirect("threat_feed:review", pk=review.pk)
        return _review_page(request, review, form, status=400)
    return _review_page(request, review, form)


@allowed("threat_feed.view_reviews")
@require_GET
def freshness(request):
    modules = selectors.module_freshness_list(user=request.user)
    return render(
        request,
        "threat_feed/freshness.html",
        {
            "page": _page(request, modules),
            "today": timezone.localdate(),
            "stale_days": services.feed_setting("THREAT_FEED_STALE_AFTER_DAYS"),
        },
    )


@allowed("threat_feed.view_reviews")
@require_GET
def module_reviews(request, pk: int):
    record = _found(selectors.module_reviews_get, user=request.user, pk=pk)
    return render(
        request,
        "threat_feed/module_reviews.html",
        {
            "record": record,
            "module": record.module,
            "may_edit": rules.has_perm("courses.edit_course", request.user, record.module.course),
            "today": timezone.localdate(),
        },
    )
