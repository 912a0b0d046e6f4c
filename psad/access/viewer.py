"""The acting user in their current PSAD, and the capabilities their role gives."""

from __future__ import annotations

from dataclasses import dataclass

from psad.auth.models import Membership, Role, User


@dataclass(frozen=True)
class Viewer:
    """The acting user in their current PSAD, as the scoping queries need it."""

    user_id: int
    psad_id: int | None
    role: Role | None
    structure_id: int | None
    is_admin: bool = False

    @classmethod
    def of(cls, user: User, membership: Membership | None) -> Viewer:
        return cls(
            user_id=user.id,
            psad_id=membership.psad_id if membership else None,
            role=membership.role if membership else None,
            structure_id=membership.structure_id if membership else None,
            is_admin=user.is_admin,
        )

    @property
    def sees_youth(self) -> bool:
        """Pilotes, co-pilotes and partners see names; readers and admins see none."""
        return self.role is not None and self.role.sees_names

    @property
    def can_refer(self) -> bool:
        return self.sees_youth

    @property
    def can_follow(self) -> bool:
        """Record contacts, notes, tasks, DARFI and obligation steps; change situation,
        stage and needs; edit the file: pilotes, co-pilotes, and partners on their youth."""
        return self.sees_youth

    @property
    def can_manage_cases(self) -> bool:
        """Close, reopen, assign referents: pilotes and co-pilotes only."""
        return self.role in (Role.PILOT, Role.COPILOT)

    @property
    def can_correct_any_contact(self) -> bool:
        """Correct a contact after its author's 24 hours: the pilote."""
        return self.role is Role.PILOT

    @property
    def can_import(self) -> bool:
        return self.role in (Role.PILOT, Role.COPILOT)

    @property
    def can_manage_catalogue(self) -> bool:
        """Add, edit and retire dispositifs and their rules: administrators."""
        return self.is_admin

    @property
    def can_manage_sites(self) -> bool:
        """Record where the PSAD's dispositifs are and their places: administrators, and the
        pilote for their PSAD."""
        return self.is_admin or self.role is Role.PILOT

    @property
    def sees_offer(self) -> bool:
        """The catalogue and the territory's offer hold no personal data: every member."""
        return self.is_admin or self.role is not None

    @property
    def can_declare_vacancies(self) -> bool:
        """Declare vacant places: pilotes, co-pilotes, and partners (a school's référent)."""
        return self.role in (Role.PILOT, Role.COPILOT, Role.PARTNER)

    @property
    def can_import_vacancies(self) -> bool:
        return self.role in (Role.PILOT, Role.COPILOT)

    @property
    def can_orient(self) -> bool:
        """Propose an orientation for a youth the viewer sees."""
        return self.sees_youth

    @property
    def sees_committees(self) -> bool:
        """The PSAD's meetings: every member; a reader sees counts, never names."""
        return self.role is not None

    @property
    def can_run_committees(self) -> bool:
        """Plan meetings, prepare and publish the agenda, take attendance, record
        decisions: pilotes and co-pilotes."""
        return self.role in (Role.PILOT, Role.COPILOT)

    @property
    def can_validate_minutes(self) -> bool:
        """Validate the minutes (the meeting is then locked) and amend them: the pilote."""
        return self.role is Role.PILOT

    @property
    def sees_dashboard(self) -> bool:
        """The PSAD's bilan and dashboard, with links to the youth behind each figure:
        pilotes and co-pilotes."""
        return self.role in (Role.PILOT, Role.COPILOT)

    @property
    def sees_regional_view(self) -> bool:
        """The PSADs' figures side by side, no personal data, small counts masked: readers
        (the PSADs they are members of) and administrators (every PSAD)."""
        return self.is_admin or self.role is Role.READER

    @property
    def can_set_reminder_rules(self) -> bool:
        """Change the PSAD's reminder thresholds and whether digests give initials:
        administrators, and the pilote for their PSAD."""
        return self.is_admin or self.role is Role.PILOT

    @property
    def can_message_youth(self) -> bool:
        """Write to youth (e-mail, SMS) from their file or a selection of the list, and lift
        or record their opposition to being contacted: pilotes and co-pilotes."""
        return self.role in (Role.PILOT, Role.COPILOT)

    @property
    def can_manage_message_templates(self) -> bool:
        """The PSAD's message templates and messaging settings (SMS on, automatic
        reminder): administrators, and the pilote for their PSAD."""
        return self.is_admin or self.role is Role.PILOT

    @property
    def sees_outbox(self) -> bool:
        """Whether e-mail is on, the messages waiting and the failures: administrators."""
        return self.is_admin

    @property
    def can_answer_access_requests(self) -> bool:
        """Export everything held on one youth (right of access) and read the register of
        processing activities: pilotes and co-pilotes, for the youth of their PSAD."""
        return self.role in (Role.PILOT, Role.COPILOT)

    @property
    def can_manage_retention(self) -> bool:
        """See what the next retention run anonymises and set the PSAD's retention rule:
        administrators, and the pilote for their PSAD."""
        return self.is_admin or self.role is Role.PILOT

    @property
    def sees_processing_register(self) -> bool:
        """The « registre des traitements » (for the data protection officer): administrators,
        pilotes and co-pilotes."""
        return self.is_admin or self.role in (Role.PILOT, Role.COPILOT)

    @property
    def can_read_audit(self) -> bool:
        return self.is_admin or self.role is Role.PILOT

    @property
    def can_administer(self) -> bool:
        return self.is_admin
