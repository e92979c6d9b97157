"""What every WorkflowRepository must do: the sentences of ports.workflows, one test each."""

import dataclasses

import pytest

from builders import NOW, decimal_texts, make_spec, make_workflow, new_id, rich_spec
from domain.model.errors import WorkflowNameTakenError, WorkflowNotFoundError
from domain.model.workflow import Workflow
from ports.workflows import WorkflowRepository


async def names(repository: WorkflowRepository, enable: bool | None = None) -> list[str]:
    return [workflow.name for workflow in await repository.list(enable)]


class WorkflowRepositoryContract:
    """Run against a fresh, empty storage per test through the `workflow_repository` fixture."""

    async def test_an_added_workflow_is_returned_by_get_unchanged(
        self, workflow_repository: WorkflowRepository
    ) -> None:
        workflow = Workflow(id=new_id(), spec=rich_spec("Zone SELL"), created_at=NOW, updated_at=NOW + 30)
        await workflow_repository.add(workflow)

        stored = await workflow_repository.get(workflow.id)

        assert stored == workflow
        assert stored is not None
        assert decimal_texts(stored.spec) == decimal_texts(workflow.spec)

    async def test_get_finds_a_workflow_by_its_id(self, workflow_repository: WorkflowRepository) -> None:
        workflow = make_workflow()
        await workflow_repository.add(workflow)

        assert await workflow_repository.get(workflow.id) == workflow

    async def test_get_of_an_id_that_never_existed_is_none(self, workflow_repository: WorkflowRepository) -> None:
        assert await workflow_repository.get(new_id()) is None

    async def test_adding_a_name_a_live_workflow_has_is_refused_and_writes_nothing(
        self, workflow_repository: WorkflowRepository
    ) -> None:
        first = make_workflow("Breakout")
        await workflow_repository.add(first)
        clash = make_workflow("Breakout")

        with pytest.raises(WorkflowNameTakenError):
            await workflow_repository.add(clash)

        assert await workflow_repository.get(clash.id) is None
        assert await workflow_repository.list() == [first]

    async def test_names_that_differ_only_in_case_are_different_names(
        self, workflow_repository: WorkflowRepository
    ) -> None:
        for name in ("breakout", "Breakout", "BREAKOUT"):
            await workflow_repository.add(make_workflow(name))

        assert await names(workflow_repository) == ["BREAKOUT", "Breakout", "breakout"]

    async def test_a_deleted_workflows_name_can_be_used_again(self, workflow_repository: WorkflowRepository) -> None:
        old = make_workflow("Breakout")
        await workflow_repository.add(old)
        await workflow_repository.delete(old.id, now=NOW)
        new = make_workflow("Breakout")

        await workflow_repository.add(new)

        assert await workflow_repository.list() == [new]

    async def test_replace_overwrites_the_spec_and_updated_at_and_keeps_created_at(
        self, workflow_repository: WorkflowRepository
    ) -> None:
        workflow = make_workflow("Breakout", created_at=NOW)
        await workflow_repository.add(workflow)
        replacement = dataclasses.replace(
            workflow, spec=rich_spec("Zone SELL"), created_at=NOW + 5, updated_at=NOW + 60
        )

        await workflow_repository.replace(replacement)

        stored = await workflow_repository.get(workflow.id)
        assert stored == Workflow(id=workflow.id, spec=replacement.spec, created_at=NOW, updated_at=NOW + 60)
        assert stored is not None
        assert decimal_texts(stored.spec) == decimal_texts(replacement.spec)

    async def test_replace_may_keep_the_workflows_own_name(self, workflow_repository: WorkflowRepository) -> None:
        workflow = make_workflow("Breakout")
        await workflow_repository.add(workflow)
        replacement = workflow.replaced_by(make_spec("Breakout", quantity="3"), NOW + 60)

        await workflow_repository.replace(replacement)

        assert await workflow_repository.get(workflow.id) == replacement

    async def test_replace_may_take_a_deleted_workflows_name(self, workflow_repository: WorkflowRepository) -> None:
        deleted, workflow = make_workflow("Old"), make_workflow("New")
        for each in (deleted, workflow):
            await workflow_repository.add(each)
        await workflow_repository.delete(deleted.id, now=NOW)
        replacement = workflow.replaced_by(make_spec("Old"), NOW + 60)

        await workflow_repository.replace(replacement)

        assert await workflow_repository.list() == [replacement]

    async def test_list_sees_the_name_and_enable_of_a_replaced_spec(
        self, workflow_repository: WorkflowRepository
    ) -> None:
        workflow = make_workflow("b", enable=True)
        await workflow_repository.add(workflow)
        await workflow_repository.add(make_workflow("c", enable=True))

        await workflow_repository.replace(workflow.replaced_by(make_spec("d", enable=False), NOW + 60))

        assert await names(workflow_repository) == ["c", "d"]
        assert await names(workflow_repository, False) == ["d"]

    async def test_replace_with_another_live_workflows_name_is_refused_and_writes_nothing(
        self, workflow_repository: WorkflowRepository
    ) -> None:
        first, second = make_workflow("First"), make_workflow("Second")
        for each in (first, second):
            await workflow_repository.add(each)

        with pytest.raises(WorkflowNameTakenError):
            await workflow_repository.replace(second.replaced_by(make_spec("First"), NOW + 60))

        assert await workflow_repository.get(second.id) == second

    async def test_replace_of_an_unknown_workflow_raises_not_found_and_writes_nothing(
        self, workflow_repository: WorkflowRepository
    ) -> None:
        with pytest.raises(WorkflowNotFoundError):
            await workflow_repository.replace(make_workflow())

        assert await workflow_repository.list() == []

    async def test_replace_of_a_deleted_workflow_raises_not_found_and_does_not_bring_it_back(
        self, workflow_repository: WorkflowRepository
    ) -> None:
        workflow = make_workflow("Breakout")
        await workflow_repository.add(workflow)
        await workflow_repository.delete(workflow.id, now=NOW)

        with pytest.raises(WorkflowNotFoundError):
            await workflow_repository.replace(workflow.replaced_by(make_spec("Other"), NOW + 60))

        assert await workflow_repository.get(workflow.id) is None
        assert await workflow_repository.list() == []

    async def test_a_deleted_workflow_is_gone_from_get_and_list(self, workflow_repository: WorkflowRepository) -> None:
        kept, deleted = make_workflow("Kept"), make_workflow("Deleted")
        for each in (kept, deleted):
            await workflow_repository.add(each)

        await workflow_repository.delete(deleted.id, now=NOW)

        assert await workflow_repository.get(deleted.id) is None
        assert await workflow_repository.list() == [kept]

    async def test_delete_of_an_unknown_workflow_raises_not_found(
        self, workflow_repository: WorkflowRepository
    ) -> None:
        with pytest.raises(WorkflowNotFoundError):
            await workflow_repository.delete(new_id(), now=NOW)

    async def test_deleting_a_workflow_twice_raises_not_found_the_second_time(
        self, workflow_repository: WorkflowRepository
    ) -> None:
        workflow = make_workflow()
        await workflow_repository.add(workflow)
        await workflow_repository.delete(workflow.id, now=NOW)

        with pytest.raises(WorkflowNotFoundError):
            await workflow_repository.delete(workflow.id, now=NOW)

    async def test_list_sorts_names_in_unicode_code_point_order(self, workflow_repository: WorkflowRepository) -> None:
        # U+1F600 sorts after U+FF21 by code point, but before it by UTF-16 code units.
        fullwidth_a, grinning_face = "\uff21", "\U0001f600"
        unsorted = ["b", "B", "a", "é", "Z", "aa", "a b", fullwidth_a, grinning_face, "Éclair", "10", "9"]
        for name in unsorted:
            await workflow_repository.add(make_workflow(name))

        assert await names(workflow_repository) == sorted(unsorted)
        assert sorted(unsorted)[-2:] == [fullwidth_a, grinning_face]

    async def test_list_keeps_only_workflows_whose_enable_equals_the_filter(
        self, workflow_repository: WorkflowRepository
    ) -> None:
        for name, enable in (("d", True), ("c", False), ("b", True), ("a", False)):
            await workflow_repository.add(make_workflow(name, enable=enable))

        assert await names(workflow_repository, True) == ["b", "d"]
        assert await names(workflow_repository, False) == ["a", "c"]
        assert await names(workflow_repository, None) == ["a", "b", "c", "d"]

    async def test_list_of_an_empty_storage_is_empty(self, workflow_repository: WorkflowRepository) -> None:
        assert await workflow_repository.list() == []
        assert await workflow_repository.list(True) == []
