import pytest

from cocreate.urls import local_path


@pytest.mark.parametrize("raw", ["/", "/j/ABC123", "/organiser/workshops/3?tab=plan"])
def test_paths_on_this_site_are_kept(raw: str) -> None:
    assert local_path(raw) == raw


@pytest.mark.parametrize(
    "raw",
    [
        None,
        "",
        "https://evil.example/",
        "//evil.example",
        "/\t/evil.example",
        "/\\evil.example",
        "\\\\evil.example",
        "/\r/x",
        "javascript:alert(1)",
        "evil.example",
    ],
)
def test_anything_that_could_leave_the_site_is_refused(raw: str | None) -> None:
    assert local_path(raw) is None
