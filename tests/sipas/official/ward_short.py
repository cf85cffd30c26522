"""Mẫu số 02, "Khảo sát đo lường mức độ hài lòng đối với các phòng chuyên môn thuộc UBND phường".

Source S30 (HoangLan01/khaosatphuongphuluong, "Mẫu số 02.docx"), transcribed in domain-sources.md §1.1 [V].
The form prints no aspect: the one aspect is structural.
"""

from tests.sipas.official import GENDER, Ask, Aspect, Element, Form, Row

FORM = Form(
    version="ward-short",
    source="S30",
    aspects=(
        Aspect("service", "Việc cung ứng dịch vụ hành chính công", (
            Element("S3", "Công chức trực tiếp giải quyết công việc", (
                Row("1", "S01", "Công chức có thái độ giao tiếp lịch sự"),
                Row("2", "S02", "Công chức trả lời, giải thích, hướng dẫn kê khai hồ sơ tận tình, chu đáo, "
                                "dễ hiểu"),
                Row("3", "S03", "Công chức tuân thủ đúng quy định trong giải quyết công việc"),
            )),
            Element("S4", "Kết quả cung ứng dịch vụ hành chính công", (
                Row("4", "S04v2", "Kết quả mà Ông/Bà nhận được là đúng quy định (Kết quả có thể là được cấp "
                                  "giấy tờ "
                    "hoặc bị từ chối cấp giấy tờ)"),
                Row("5", "S05", "Kết quả mà Ông/Bà nhận được có thông tin đầy đủ, chính xác"),
            )),
            Element("S5", "Tiếp nhận, xử lý các ý kiến góp ý, phản ánh, kiến nghị", (
                Row("6", "S06", "Cơ quan có bố trí hình thức tiếp nhận góp ý, phản ánh, kiến nghị của người "
                                "dân, tổ chức"),
                Row("7", "S07", "Ông/Bà dễ dàng thực hiện góp ý, phản ánh, kiến nghị"),
                Row("8", "S08", "Cơ quan tiếp nhận và xử lý tích cực các góp ý, phản ánh, kiến nghị của "
                                "Ông/Bà"),
                Row("9", "S09", "Cơ quan thông báo kịp thời kết quả xử lý các ý kiến góp ý, phản ánh, kiến "
                                "nghị cho Ông/Bà"),
            )),
        )),
    ),
    questions=(
        Ask("Giới tính", "D1", "demographic", "Giới tính", GENDER),
        Ask("Độ tuổi", "D2", "demographic", "Độ tuổi",
            ((1, "Từ 18 - 24"), (2, "25-34"), (3, "35-49"), (4, "50-60"), (5, "Trên 60 tuổi"))),
        Ask("Trình độ", "D4v2", "demographic", "Trình độ",
            ((1, "Tiểu học"), (2, "THCS (Cấp II)"), (3, "THPT (Cấp 3)"), (4, "Đại học"),
             (5, "Dạy nghề, Trung cấp, Cao đẳng"), (6, "Sau Đại học"))),
    ),
    # S04 was "Kết quả được trả đúng hẹn" (item 4 is another criterion), D4 another education list.
    # D3, D5, D6 and gender "Khác" are not on the form: removed (the codes could come back unchanged).
    retired=("S04", "D4"),
)  # fmt: skip
