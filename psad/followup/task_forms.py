"""The forms of tasks: add a task to a file, mark one done (with an optional comment)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from wtforms import Field, HiddenField, SelectChoice, SelectField, StringField, SubmitField
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from psad.auth.models import Structure, User
from psad.db import max_length
from psad.followup.models import Task
from psad.web.forms import FrenchForm
from psad.youth.forms import FREE_TEXT_WARNING, REQUIRED, FrenchDateField

BACK_TO_MY_TASKS = "mes-taches"  # « Fait » from « Mes tâches » returns there


class TaskForm(FrenchForm):
    title = StringField(
        "Ce qu'il faut faire",
        validators=[DataRequired(REQUIRED), Length(max=max_length(Task.title))],
        description=FREE_TEXT_WARNING,
    )
    assignee = SelectField("Pour qui", validators=[DataRequired(REQUIRED)])
    due_on = FrenchDateField("Échéance (jj/mm/aaaa)", validators=[DataRequired(REQUIRED)])
    submit = SubmitField("Ajouter la tâche")

    def __init__(
        self,
        *args: Any,
        today: date,
        me: User,
        users: Sequence[User],
        structures: Sequence[Structure],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.today = today
        self.users = {user.id: user for user in users}
        self.structures = {structure.id: structure for structure in structures}
        self.users.setdefault(me.id, me)
        self.assignee.choices = [
            SelectChoice(f"user:{me.id}", f"Moi-même ({me.full_name})"),
            *(
                SelectChoice(f"user:{user.id}", user.full_name, optgroup="Utilisateurs")
                for user in users
                if user.id != me.id
            ),
            *(SelectChoice(f"structure:{s.id}", s.name, optgroup="Structures") for s in structures),
        ]
        if not self.is_submitted():
            self.assignee.data = f"user:{me.id}"
            due_on: Field = self.due_on
            due_on.data = today

    def validate_due_on(self, field: FrenchDateField) -> None:
        if field.data and field.data < self.today:
            raise ValidationError("L'échéance est déjà passée : choisissez aujourd'hui ou après.")

    def chosen(self) -> tuple[User | None, Structure | None]:
        """The user or the structure chosen (exactly one of the two)."""
        kind, _, number = (self.assignee.data or "").partition(":")
        if kind == "structure":
            return None, self.structures[int(number)]
        return self.users[int(number)], None


class CompleteTaskForm(FrenchForm):
    comment = StringField(
        "Commentaire (facultatif)",
        validators=[Optional(), Length(max=max_length(Task.done_comment))],
        description=FREE_TEXT_WARNING,
    )
    back = HiddenField()
