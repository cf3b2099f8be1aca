"""Directory, profile, sign-up and vetting pages. Business rules live in services."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from frontline.errors import ActionRefused
from frontline.ratelimit import client_address, limit, ratelimit_hit
from network import selectors, services, verification
from network.decorators import vetted_required
from network.forms import (
    AgencyFilterForm,
    ExpertFilterForm,
    JoinAgencyForm,
    ProfileForm,
    RejectForm,
    RoleForm,
    SignUpForm,
)
from network.models import Agency, Country, Expert, Membership, Region
from network.permissions import (
    approved_memberships,
    can_see_contact,
    can_see_expert,
    can_vet,
    expert_of,
    is_vetted,
)

PAGE_SIZE = 20
MEMBERS_PAGE_SIZE = 50


def home(request):
    return render(
        request,
        "network/home.html",
        {"regions": Region.objects.prefetch_related("countries")},
    )


TOO_MANY_SIGN_UPS = _(
    "Too many sign-ups from your network in the last hour. Wait an hour and try again."
)


def sign_up(request):
    """Sign-up tells whether a username or address is taken, so it is limited per address."""
    if request.user.is_authenticated:
        return redirect("network:profile")
    form = SignUpForm(request.POST or None)
    if request.method == "POST":
        place = limit("signup-address")
        if ratelimit_hit(place, client_address(request)) > place.attempts:
            form.errors.clear()  # nothing about the names tried is said past the limit
            form.add_error(None, TOO_MANY_SIGN_UPS)
            return render(request, "registration/sign_up.html", {"form": form}, status=429)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            expert = services.expert_sign_up(
                username=data["username"],
                email=data["email"],
                password=data["password1"],
                full_name=data["full_name"],
                position=data["position"],
                agency=data["agency"],
                language=request.LANGUAGE_CODE,
            )
        except ActionRefused as exc:
            form.add_error(None, exc.message)
        else:
            login(request, expert.user, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(
                request,
                _(
                    "Welcome. We mailed a link to %(email)s: open it to confirm your address. "
                    "Your request to join %(agency)s waits for its admins to vet it."
                )
                % {"agency": data["agency"], "email": data["email"]},
            )
            return redirect("network:profile")
    return render(request, "registration/sign_up.html", {"form": form})


@login_required
def profile(request):
    """One's own profile: edit it, see one's memberships, ask to join another agency."""
    expert = expert_of(request.user)
    if expert is None:
        if request.user.is_staff:  # platform staff without an expert profile: their own page
            return render(request, "network/staff_profile.html")
        raise Http404(_("This account has no expert profile."))
    form = ProfileForm(request.POST or None, instance=expert)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        languages, topics = data.pop("languages"), data.pop("topics")
        try:
            services.expert_update_profile(
                expert=expert, by=request.user, languages=languages, topics=topics, **data
            )
        except ActionRefused as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("Your profile is saved."))
            return redirect("network:profile")
    memberships = expert.memberships.select_related("agency", "agency__country")
    return render(
        request,
        "network/profile.html",
        {"form": form, "expert": expert, "memberships": memberships, "join_form": JoinAgencyForm()},
    )


def verify_email(request, uidb64: str, token: str):
    """The signed link mailed at sign-up: it confirms the address (and only with a valid link)."""
    user = verification.user_of_link(uidb64, token)
    expert = expert_of(user) if user is not None else None
    if expert is not None:
        services.expert_confirm_email(expert=expert)
    status = 200 if expert is not None else 400
    return render(
        request,
        "network/verify_email_done.html",
        {"confirmed": expert is not None},
        status=status,
    )


@login_required
@require_POST
def verify_email_resend(request):
    expert = expert_of(request.user)
    if expert is None or expert.email_verified is not None:
        return redirect("network:profile")
    account = limit("verify-mail-account")
    if ratelimit_hit(account, str(request.user.pk)) > account.attempts:
        messages.error(request, _("We sent you several links this hour already: wait a little."))
    else:
        verification.verification_mail_send(user=request.user)
        messages.success(
            request, _("A new link is on its way to %(email)s.") % {"email": request.user.email}
        )
    return redirect("network:profile")


@login_required
@require_POST
def membership_leave(request, pk: int):
    membership = get_object_or_404(
        Membership.objects.select_related("agency"), pk=pk, expert__user=request.user
    )
    try:
        services.membership_leave(membership=membership, by=request.user)
    except ActionRefused as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("You left %(agency)s.") % {"agency": membership.agency})
    return redirect("network:profile")


@login_required
@require_POST
def join_agency(request):
    expert = expert_of(request.user)
    form = JoinAgencyForm(request.POST)
    if expert is None or not form.is_valid():
        messages.error(request, _("Choose an agency to join."))
        return redirect("network:profile")
    try:
        services.membership_request(
            expert=expert, agency=form.cleaned_data["agency"], by=request.user
        )
    except ActionRefused as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Your request was sent to the agency's admins."))
    return redirect("network:profile")


@vetted_required
def expert_list(request):
    form = ExpertFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    page = Paginator(selectors.experts_directory(filters=filters), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    query = request.GET.copy()
    query.pop("page", None)
    context = {"form": form, "page": page, "query": query.urlencode()}
    template = "network/_expert_results.html" if request.htmx else "network/expert_list.html"
    return render(request, template, context)


def expert_detail(request, pk: int):
    """A profile: vetted members see vetted experts; anyone sees their own.

    An applicant's or rejected account's profile is a 404 to others (as in the API), except
    to the admins vetting their request and to platform staff.
    """
    expert = get_object_or_404(
        Expert.objects.select_related("country", "user").prefetch_related(
            "languages", "topics", "memberships__agency"
        ),
        pk=pk,
    )
    is_self = request.user.is_authenticated and expert.user_id == request.user.pk
    if not is_self:
        return _vetted_expert_detail(request, expert)
    return _render_expert(request, expert)


@vetted_required
def _vetted_expert_detail(request, expert: Expert):
    if not can_see_expert(request.user, expert):
        raise Http404(_("There is no vetted expert with this id."))
    return _render_expert(request, expert)


def _render_expert(request, expert: Expert):
    memberships = approved_memberships(expert)
    return render(
        request,
        "network/expert_detail.html",
        {
            "expert": expert,
            "memberships": memberships,
            "show_contact": can_see_contact(request.user, expert),
        },
    )


def agency_list(request):
    form = AgencyFilterForm(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    agencies = selectors.agencies_directory(country=data.get("country"), kind=data.get("kind", ""))
    template = "network/_agency_results.html" if request.htmx else "network/agency_list.html"
    return render(request, template, {"form": form, "agencies": agencies})


def agency_detail(request, code: str):
    agency = get_object_or_404(Agency.objects.select_related("country", "parent"), code=code)
    viewer_vets = can_vet(request.user, agency)
    context = {
        "agency": agency,
        "children": agency.children.all(),
        # A page at a time: an agency of hundreds drew every row (27 of the page's 33 ms at
        # 250 members), however many the reader came to see.
        "members": Paginator(selectors.agency_members(agency=agency), MEMBERS_PAGE_SIZE).get_page(
            request.GET.get("page")
        )
        if is_vetted(request.user)
        else None,
        "show_roles": viewer_vets,
        "pending": selectors.agency_pending_requests(agency=agency) if viewer_vets else None,
        "reject_form": RejectForm(),
        "role_choices": Membership.Role.choices,
    }
    return render(request, "network/agency_detail.html", context)


def country_detail(request, code: str):
    country = get_object_or_404(Country.objects.select_related("region"), code=code.upper())
    agencies = selectors.agencies_directory(country=country)
    return render(
        request, "network/country_detail.html", {"country": country, "agencies": agencies}
    )


def region_detail(request, code: str):
    region = get_object_or_404(Region, code=code.upper())
    countries = region.countries.all()
    agencies = selectors.agencies_directory(region=region)
    return render(
        request,
        "network/region_detail.html",
        {"region": region, "countries": countries, "agencies": agencies},
    )


def _membership_action(request, pk: int, action):
    membership = get_object_or_404(Membership.objects.select_related("agency", "expert"), pk=pk)
    try:
        message = action(membership)
    except ActionRefused as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, message)
    return redirect(membership.agency.get_absolute_url())


@login_required
@require_POST
def membership_approve(request, pk: int):
    def approve(membership):
        services.membership_approve(membership=membership, by=request.user)
        return _("%(name)s is now a member.") % {"name": membership.expert}

    return _membership_action(request, pk, approve)


@login_required
@require_POST
def membership_reject(request, pk: int):
    form = RejectForm(request.POST)

    def reject(membership):
        reason = form.cleaned_data["reason"] if form.is_valid() else ""
        services.membership_reject(membership=membership, by=request.user, reason=reason)
        return _("The request of %(name)s was rejected.") % {"name": membership.expert}

    return _membership_action(request, pk, reject)


@login_required
@require_POST
def membership_remove(request, pk: int):
    form = RejectForm(request.POST)

    def remove(membership):
        reason = form.cleaned_data["reason"] if form.is_valid() else ""
        services.membership_remove(membership=membership, by=request.user, reason=reason)
        return _("%(name)s was removed from the agency.") % {"name": membership.expert}

    return _membership_action(request, pk, remove)


@login_required
@require_POST
def membership_role(request, pk: int):
    form = RoleForm(request.POST)

    def set_role(membership):
        role = form.cleaned_data["role"] if form.is_valid() else request.POST.get("role", "")
        updated = services.membership_set_role(membership=membership, role=role, by=request.user)
        return _("%(name)s is now %(role)s.") % {
            "name": updated.expert,
            "role": updated.get_role_display(),
        }

    return _membership_action(request, pk, set_role)
