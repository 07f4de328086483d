"""`polic export oscal` output, loaded with compliance-trestle's OSCAL models.

Every document exported from the starter-kit fixture (tests/oscal/kit) must load as the
OSCAL model it claims to be, with every field validated by trestle's pydantic models. The
OSCAL files polic imports (stdlib/data/oscal) load too, as a check that the models read the
same OSCAL polic does.
"""

import json
import os
import pathlib
import subprocess

import pytest
from trestle.oscal.assessment_results import AssessmentResults
from trestle.oscal.catalog import Catalog
from trestle.oscal.component import ComponentDefinition
from trestle.oscal.profile import Profile

HERE = pathlib.Path(__file__).parent
ROOT = HERE.parent.parent
POLIC = os.environ["POLIC"]
AT = "2026-06-01"
MODELS = {
    "component-definition": ComponentDefinition,
    "assessment-results": AssessmentResults,
    "catalog": Catalog,
    "profile": Profile,
}


def export(tmp: pathlib.Path, *args: str) -> list[pathlib.Path]:
    subprocess.run(
        [POLIC, "export", "oscal", str(HERE / "kit"), *args, "--at", AT, "-o", str(tmp)],
        check=True,
        capture_output=True,
    )
    files = sorted(tmp.glob("*.json"))
    assert files, "polic exported nothing"
    return files


@pytest.fixture(scope="module")
def exported(tmp_path_factory) -> list[pathlib.Path]:
    components = export(tmp_path_factory.mktemp("components"), "--component-definition")
    results = export(
        tmp_path_factory.mktemp("results"),
        "--assessment-results",
        "--evidence",
        str(HERE / "kit" / "evidence.jsonl"),
    )
    return components + results


def load(path: pathlib.Path):
    """Reads a file with the trestle model its root key names, validating it."""
    (key,) = json.loads(path.read_text()).keys()
    return MODELS[key].oscal_read(path)


def test_every_exported_document_is_valid_oscal(exported):
    kinds = set()
    for path in exported:
        document = load(path)
        assert document is not None, path
        kinds.add(type(document).__name__)
    assert kinds == {"ComponentDefinition", "AssessmentResults"}


def test_component_definitions_name_the_clauses(exported):
    for path in exported:
        if not path.name.startswith("component-definition-"):
            continue
        definition = load(path)
        (component,) = definition.components
        ids = [
            requirement.control_id
            for implementation in component.control_implementations
            for requirement in implementation.implemented_requirements
        ]
        assert ids
        resources = {str(r.uuid) for r in definition.back_matter.resources}
        for implementation in component.control_implementations:
            assert implementation.source.lstrip("#") in resources


def test_assessment_results_have_findings_and_observations(exported):
    storefront = next(p for p in exported if p.name == "assessment-results-storefront.json")
    (result,) = load(storefront).results
    states = {f.target.status.state.value for f in result.findings}
    assert states == {"satisfied", "not-satisfied"}
    observations = {str(o.uuid) for o in result.observations}
    for finding in result.findings:
        for related in finding.related_observations or []:
            assert str(related.observation_uuid) in observations


@pytest.mark.parametrize(
    "path",
    sorted((ROOT / "stdlib" / "data" / "oscal").rglob("*.json")),
    ids=lambda p: p.name,
)
def test_the_imported_oscal_loads(path):
    assert load(path) is not None
