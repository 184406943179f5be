"""Records an audit against ../shared/seeds found wrong, each pinned to the seed line that
proves it (issue 10 §1). Every test asserts the record and what the seed prints there."""

from __future__ import annotations

import pytest

from knowledge.loader import load_knowledge
from knowledge.normalize import fold
from tests.unit.ask.kb_seeds import seed_lines, seeds_or_skip, squash

SEEDS = seeds_or_skip()
KB = load_knowledge()


def _line(task_or_doc: str, line: int) -> str:
    """The folded seed line of a task's (or document's) seed."""
    doc = KB.documents.get(task_or_doc) or KB.documents[KB.tasks[task_or_doc].document]
    return seed_lines(SEEDS, doc.seed)[line - 1]


def _window(doc_id: str, line: int, after: int = 0) -> str:
    lines = seed_lines(SEEDS, KB.documents[doc_id].seed)
    return " ".join(lines[line - 1 : line + after])


# --- roles the source does not print are not "chủ trì" ---------------------------------

ROLES = [
    # (task, owners, role, printed verb, partners)
    ("kh_lai_chau_iii_4_2", ["so_y_te_lai_chau"], "participate", "Phối hợp, tham gia", []),
    ("kh_lai_chau_iii_2_2", ["so_noi_vu_lai_chau"], "coordinate", "Phối hợp", []),
    ("kh_lai_chau_iii_6", ["so_tt_tt_lai_chau"], "coordinate", "Phối hợp",
     ["hoi_ctd_tinh_lai_chau"]),
    # Found by the kb check rule (the same class: the owner's own verb is "phối hợp").
    ("kh_lai_chau_iii_1_3", ["hoi_ctd_tinh_lai_chau"], "coordinate", "Chủ động phối hợp", []),
    ("kh_lai_chau_iii_1_4", ["hoi_ctd_tinh_lai_chau"], "coordinate", "Chủ động phối hợp",
     ["so_tt_tt_lai_chau"]),
    ("kh_lai_chau_iii_9", ["mttq_tinh_lai_chau", "to_chuc_ctxh_tinh_lai_chau"], "coordinate",
     "phối hợp", ["hoi_ctd_tinh_lai_chau"]),
    ("cv_kien_an_2_1", ["hdnd_quan_kien_an"], "coordinate", "Chủ động phối hợp",
     ["mttq_quan_kien_an"]),
    ("kl44_5_2_giam_sat", ["dang_doan_quoc_hoi", "ban_can_su_dang_chinh_phu"], "coordinate",
     "chủ động phối hợp", ["mttq_viet_nam"]),
    ("qd895_iii_1_b", ["bo_noi_vu"], "coordinate", "phối hợp", []),
    # Kiến An 4.1: the Hội is the actor, MTTQ the partner.
    ("cv_kien_an_4_1", ["hoi_ctd_quan_kien_an"], "coordinate", "Đẩy mạnh phối hợp",
     ["mttq_quan_kien_an"]),
]  # fmt: skip


@pytest.mark.parametrize(("task_id", "owners", "role", "verb", "partners"), ROLES)
def test_owner_keeps_the_role_its_line_prints(task_id, owners, role, verb, partners) -> None:
    task = KB.tasks[task_id]
    assert (task.lead, task.role, task.role_text, task.coordinate) == (
        owners,
        role,
        verb,
        partners,
    )
    assert task.leads == []  # no lead is printed
    printed = _window(task.document, task.seed_line, 2)
    assert squash(verb) in squash(printed)
    assert "chu tri" not in _line(task_id, task.seed_line)


ADDRESSEES = [
    "cap_uy_to_chuc_dang_kien_an",
    "hdnd_quan_kien_an",
    "ubnd_quan_kien_an",
    "mttq_quan_kien_an",
    "to_chuc_ctxh_quan_kien_an",
]


@pytest.mark.parametrize("task_id", ["cv_kien_an_3", "cv_kien_an_1_1"])
def test_kien_an_points_with_no_owner_go_to_the_letters_addressees(task_id: str) -> None:
    task = KB.tasks[task_id]
    assert task.role == "addressee" and task.lead == ADDRESSEES and task.leads == []
    # The point opens with its duty, no body named; the letter asks its addressees (l. 17-18).
    assert _line(task_id, task.seed_line).split()[1:3] in (["cung", "co"], ["tiep", "tuc"])
    opening = _window("cv_kien_an", 16, 2)
    assert "yeu cau cac cap uy to chuc dang chinh quyen mat tran to quoc" in opening


def test_a_printed_lead_stays_a_lead() -> None:
    task = KB.tasks["kh_lai_chau_iii_4_1"]
    assert task.role == "lead" and task.leads == ["so_y_te_lai_chau"]
    assert _line(task.id, 105).startswith("chu tri phoi hop voi hoi chu thap do tinh")


# --- frequencies and manner words ------------------------------------------------------


@pytest.mark.parametrize(
    ("task_id", "line", "printed"),
    [
        ("kh_thanh_uy_iii_7", 295, "dinh ky bao cao ban thuong vu thanh uy"),
        ("kh_thanh_uy_iii_4", 260, "dinh ky ra soat tham muu ban"),
        ("kh_lai_chau_iii_1_5", 89, "thuong xuyen kien toan"),
    ],
)
def test_manner_words_in_running_text_are_not_deadlines(task_id, line, printed) -> None:
    assert printed in _line(task_id, line)
    assert KB.tasks[task_id].deadline == ""
    assert KB.deadline(task_id).kind == "none"


def test_same_wording_elsewhere_has_no_deadline_either() -> None:
    """KL 44 mục 5 ("thường xuyên báo cáo", "định kỳ báo cáo") and Kiến An 4 ("Thường
    xuyên hướng dẫn") are worded the same and carry no deadline: consistent."""
    for task_id in ("kl44_5_4_bao_cao_de_xuat", "kl44_5_5_theo_doi_kiem_tra", "cv_kien_an_4_2"):
        assert KB.tasks[task_id].deadline == "", task_id


def test_a_printed_frequency_is_kept() -> None:
    assert "dinh ky hang nam bao cao ubnd tinh" in _line("kh_lai_chau_iii_10_2", 135)
    deadline = KB.deadline("kh_lai_chau_iii_10_2")
    assert (deadline.kind, deadline.recurrence) == ("recurring", "yearly")


# --- QĐ 895 appendix II.4: two pairs ----------------------------------------------------


def test_appendix_ii_4_keeps_both_pairs() -> None:
    task = KB.tasks["qd895_pl_ii_4"]
    pairs = [(m.deadline, m.output) for m in task.milestones]
    assert pairs == [
        ("Năm 2023", "Báo cáo sơ kết Nghị định 93/2019/NĐ-CP"),
        ("Năm 2024 -2025", "Nghị định sửa đổi, bổ sung Nghị định số 93/2019/NĐ-CP"),
    ]
    assert _line(task.id, 143).strip() == "nam 2023"
    assert _line(task.id, 145).strip() == "nam 2024 2025"
    assert "bao cao so ket nghi dinh 93/2019/nd-cp" in _line(task.id, 146)
    assert "nghi dinh sua doi bo sung" in _line(task.id, 147)


# --- no output where the document has no output column ---------------------------------


@pytest.mark.parametrize(
    "task_id",
    [
        "kh_lai_chau_iii_1_6",
        "kh_lai_chau_iii_8_1",
        "kh_lai_chau_iii_10_1",
        "kh_lai_chau_iii_10_2",
        "kh_thanh_uy_iii_6",
    ],
)
def test_prose_documents_print_no_output(task_id: str) -> None:
    task = KB.tasks[task_id]
    assert task.output == ""
    assert KB.documents[task.document].table is None
    assert "san pham" not in " ".join(seed_lines(SEEDS, KB.documents[task.document].seed))


def test_only_the_appendix_has_an_output_column() -> None:
    table = KB.documents["qd895"].table
    assert table is not None and table.has("Sản phẩm chủ yếu")
    header = _window("qd895", table.line, len(table.columns) - 1)
    assert all(squash(column) in squash(header) for column in table.columns)
    for doc in KB.documents.values():
        if doc.id != "qd895":
            assert doc.table is None, doc.id


# --- names as printed -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("task_id", "agency", "printed", "line"),
    [
        ("qd895_pl_ii_2", "cac_bo_quan_ly_nganh",
         "Các Bộ theo quy định tại Luật hoạt động chữ thập đỏ", 122),
        ("kl44_1_bao_chi_tuyen_truyen", "co_quan_bao_chi", "Các cơ quan báo chí", 29),
        ("kl44_2_thuc_hien_luat", "cac_bo_nganh", "Các bộ, ngành", 33),
    ],
)  # fmt: skip
def test_names_are_shown_as_the_line_prints_them(task_id, agency, printed, line) -> None:
    task = KB.tasks[task_id]
    assert task.printed[agency] == printed
    assert agency in (*task.lead, *task.coordinate)
    assert fold(printed) in _line(task_id, line)


def test_ubnd_tinh_of_the_lai_chau_plan_is_its_issuer() -> None:
    own = KB.agencies["ubnd_tinh_lai_chau"]
    assert own.place == "Lai Châu" and own.level == "province" and not own.generic
    assert fold(KB.documents["kh_lai_chau"].issuer) == fold(own.name)
    assert "uy ban nhan dan tinh ban hanh ke hoach" in _line("kh_lai_chau", 7)
    national = KB.agencies["ubnd_cac_tinh"]
    assert all("lai chau" not in fold(a) for a in national.aliases)


def test_district_and_standing_committee_are_not_confused() -> None:
    assert KB.agencies["ubnd_cac_huyen_lai_chau"].level == "district"
    assert "uy ban nhan dan cac huyen thanh pho" in _line("kh_lai_chau", 133)
    standing = KB.agencies["btv_hoi_ctd_thanh_pho"]
    assert all(fold(a).startswith(("btv", "ban thuong vu")) for a in standing.aliases)
    assert "ban thuong vu hoi chu thap do thanh pho" in _line("kh_thanh_uy", 273)


# --- document facts ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("doc_id", "number"),
    [
        ("kh_thanh_uy", "176-KH/TU"),
        ("kh_thanh_uy", "12665-CV/VPTW"),
        ("kh_thanh_uy", "18/CT-TTg"),
        ("kh_thanh_uy", "01-KL/TW"),
        ("kh_thanh_uy", "05-CT/TW"),
        ("cv_kien_an", "809-CV/TU"),
        ("kh_lai_chau", "231/TTr-CTĐ"),
        ("kh_lai_chau", "1176-CV/TU"),
        ("kh_lai_chau", "07/2017/TT-BGDĐT"),
        ("kl44", "06-TTr/BCĐTW"),
        ("kl44", "43-CT/TW"),
        ("kl44", "46-SL/ĐUK"),
        ("qd895", "1497-CV/BCSĐCP"),
        ("qd895", "1793-CV/BCSĐCP"),
        ("qd895", "45/2010/NĐ-CP"),
        ("qd895", "93/2019/NĐ-CP"),
    ],
)
def test_every_cited_number_is_recorded_where_it_is_printed(doc_id: str, number: str) -> None:
    cited = {c.number: c for c in KB.documents[doc_id].cites}
    assert number in cited
    assert squash(number) in squash(_window(doc_id, cited[number].line, 1))


def test_basis_holds_the_submissions() -> None:
    assert any("231/TTr-CTĐ" in b.text for b in KB.documents["kh_lai_chau"].basis)
    assert any("06-TTr/BCĐTW" in b.text for b in KB.documents["kl44"].basis)


def test_kien_an_cites_hai_phongs_letter_not_the_city_plan() -> None:
    doc = KB.documents["cv_kien_an"]
    assert doc.parent == "kl44"
    letter = next(c for c in doc.cites if c.number == "809-CV/TU")
    assert "Hải Phòng" in letter.note and "176-KH/TU" in letter.note
    assert "809-cv/tu" in _window("cv_kien_an", 14, 1)


def test_kien_an_date_is_its_e_signature_stamp() -> None:
    doc = KB.documents["cv_kien_an"]
    assert doc.date_from == "e_signature" and doc.date_line == 124
    assert str(doc.date) in _line("cv_kien_an", 124)
    assert "da ky len van ban nay" in _line("cv_kien_an", 126)


def test_qd895_executors_and_effect_are_printed() -> None:
    doc = KB.documents["qd895"]
    assert doc.executors is not None and doc.effect is not None
    assert squash(doc.executors.text) in squash(_line("qd895", doc.executors.line))
    assert "ke tu ngay ky" in fold(doc.effect.text)
    assert squash(doc.effect.text) in squash(_line("qd895", doc.effect.line))


# --- campaigns say only what the seeds print --------------------------------------------


def test_campaign_descriptions_are_printed_or_empty() -> None:
    assert KB.campaigns["tet_nhan_ai"].description == ""  # the seeds only name it
    thang = KB.campaigns["thang_nhan_dao"].description
    assert "cao diem" not in fold(thang)  # invented before
    seeds = squash(" ".join(" ".join(seed_lines(SEEDS, d.seed)) for d in KB.documents.values()))
    for quoted in ("12665-CV/VPTW", "tôn vinh, lan tỏa những tấm gương người tốt việc tốt"):
        assert quoted in thang and squash(quoted) in seeds


# Found by the printed-name rule: shown under a name the duty does not print before.
PRINTED_NAMES = [
    ("kl44_4_hoi_ctd_phoi_hop", "hoi_ctd_cac_cap", 47),
    ("kl44_5_3_mttq_van_dong", "dang_doan_to_chuc_thanh_vien_mttq", 61),
    ("qd895_iii_1_d", "cac_bo_nganh", 77),
    ("kh_thanh_uy_ii_1", "co_quan_truyen_thong_thanh_pho", 92),
    ("kh_thanh_uy_ii_4", "mttq_thanh_pho", 187),
    ("kh_thanh_uy_iii_2", "mttq_thanh_pho", 242),
    ("kh_thanh_uy_iii_5", "cap_uy_to_chuc_dang_thanh_pho", 266),
    ("kh_lai_chau_iii_9", "hoi_ctd_tinh_lai_chau", 131),
    ("kh_lai_chau_iii_9", "to_chuc_ctxh_tinh_lai_chau", 129),
    ("cv_kien_an_2_1", "mttq_quan_kien_an", 41),
    ("cv_kien_an_4_1", "mttq_quan_kien_an", 73),
    ("cv_kien_an_4_1", "hoi_ctd_quan_kien_an", 74),
    ("cv_kien_an_5_1", "mttq_quan_kien_an", 91),
]


@pytest.mark.parametrize(("task_id", "agency", "line"), PRINTED_NAMES)
def test_more_names_are_shown_as_printed(task_id: str, agency: str, line: int) -> None:
    printed = KB.tasks[task_id].printed[agency]
    assert squash(printed) in squash(_window(KB.tasks[task_id].document, line, 2))


# --- answers use the document's own words ------------------------------------------------


def _card(task_id: str, intent: str, lang: str) -> str:
    from knowledge import compose

    return compose.task_card(KB, KB.tasks[task_id], [intent], lang)


def test_answers_use_the_printed_role_first() -> None:
    vi = _card("kh_lai_chau_iii_4_2", "lead", "vi").splitlines()[0]
    assert vi.startswith("Phối hợp, tham gia: Sở Y tế") and "không ghi cơ quan chủ trì" in vi
    en = _card("kh_lai_chau_iii_4_2", "lead", "en").splitlines()[0]
    assert not en.startswith("Lead:") and "Phối hợp, tham gia" in en and "no lead" in en
    addressed = _card("cv_kien_an_3", "lead", "vi").splitlines()[0]
    assert (
        addressed.startswith("Văn bản giao cho / gửi:") and "không ghi cơ quan chủ trì" in addressed
    )
    assert _card("kh_lai_chau_iii_4_1", "lead", "vi").startswith("Chủ trì: Sở Y tế")


def test_answers_say_no_output_column_and_no_invented_frequency() -> None:
    assert "không có cột sản phẩm" in _card("kh_lai_chau_iii_10_1", "output", "vi")
    deadline = _card("kh_thanh_uy_iii_7", "deadline", "vi").splitlines()[0]
    assert "không ghi thời hạn" in deadline and "“định kỳ”" in deadline
    assert "hằng năm" not in fold(deadline) and "hang nam" not in fold(deadline)
    both = _card("qd895_pl_ii_4", "deadline", "vi").splitlines()[0]
    assert "Năm 2023 → Báo cáo sơ kết" in both and "Năm 2024 -2025 → Nghị định sửa đổi" in both
