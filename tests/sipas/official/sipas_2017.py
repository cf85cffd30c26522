"""QĐ 2640/QĐ-BNV (10/10/2017): 5 elements, 22 criteria.

The element names are the decision's (domain-sources.md §1.1 [V], S12). No 2017 questionnaire was
retrieved: the criteria are the reconstruction of domain-sources.md §1.1 [K] and all unverified, as are
the demographic questions kept from the platform's earlier file. The 2017 perception and expectation
blocks are known to exist but not their items: the file leaves them out.
"""

from tests.sipas.official import GENDER, Ask, Aspect, Element, Form, Row

K = "reconstructed list (domain-sources §1.1 [K])"
NO_FORM = "no 2017 form was retrieved"


def rows(*items: tuple[str, str, str]) -> tuple[Row, ...]:
    return tuple(Row(number, code, text, K) for number, code, text in items)


FORM = Form(
    version="sipas-2017",
    source="QĐ 2640/QĐ-BNV; domain-sources §1.1",
    aspects=(
        Aspect("service", "Việc cung ứng dịch vụ hành chính công", (
            Element("E1", "Tiếp cận dịch vụ hành chính công của cơ quan hành chính nhà nước", rows(
                ("1.1", "C01", "Nơi ngồi chờ tại cơ quan giải quyết thủ tục hành chính có đủ chỗ ngồi"),
                ("1.2", "C02", "Trang thiết bị phục vụ người dân, tổ chức tại cơ quan giải quyết thủ tục "
                               "hành chính đầy đủ"),
                ("1.3", "C03", "Trang thiết bị phục vụ người dân, tổ chức tại cơ quan giải quyết thủ tục "
                               "hành chính hiện đại"),
                ("1.4", "C04", "Trang thiết bị phục vụ người dân, tổ chức tại cơ quan giải quyết thủ tục "
                               "hành chính dễ sử dụng"),
            )),
            Element("E2", "Thủ tục hành chính", rows(
                ("2.1", "C05", "Thủ tục hành chính được niêm yết công khai đầy đủ"),
                ("2.2", "C06", "Thủ tục hành chính được niêm yết công khai chính xác"),
                ("2.3", "C07", "Thành phần hồ sơ mà người dân, tổ chức phải nộp là đúng quy định"),
                ("2.4", "C08", "Phí/lệ phí mà người dân, tổ chức phải nộp là đúng quy định"),
                ("2.5", "C09", "Thời hạn giải quyết (tính từ ngày hồ sơ được tiếp nhận đến ngày nhận kết "
                               "quả) là đúng quy định"),
            )),
            Element("E3", "Công chức giải quyết công việc", rows(
                ("3.1", "C10", "Công chức có thái độ giao tiếp lịch sự"),
                ("3.2", "C11", "Công chức chú ý lắng nghe ý kiến của người dân/đại diện tổ chức"),
                ("3.3", "C12", "Công chức trả lời, giải thích đầy đủ các ý kiến của người dân/đại diện tổ "
                               "chức"),
                ("3.4", "C13", "Công chức hướng dẫn kê khai hồ sơ tận tình, chu đáo"),
                ("3.5", "C14", "Công chức hướng dẫn kê khai hồ sơ dễ hiểu"),
                ("3.6", "C15", "Công chức tuân thủ đúng quy định trong giải quyết công việc"),
            )),
            Element("E4", "Kết quả cung ứng dịch vụ hành chính công", rows(
                ("4.1", "C16", "Kết quả mà người dân, tổ chức nhận được đúng quy định"),
                ("4.2", "C17", "Kết quả mà người dân, tổ chức nhận được có thông tin đầy đủ"),
                ("4.3", "C18", "Kết quả mà người dân, tổ chức nhận được có thông tin chính xác"),
            )),
            Element("E5", "Tiếp nhận, giải quyết góp ý, phản ánh, kiến nghị", rows(
                ("5.1", "C19", "Cơ quan có bố trí hình thức tiếp nhận góp ý, phản ánh, kiến nghị"),
                ("5.2", "C20", "Người dân, tổ chức dễ dàng thực hiện góp ý, phản ánh, kiến nghị"),
                ("5.3", "C21", "Cơ quan tiếp nhận, xử lý tích cực các góp ý, phản ánh, kiến nghị"),
                ("5.4", "C22", "Cơ quan thông báo kịp thời kết quả xử lý góp ý, phản ánh, kiến nghị"),
            )),
        )),
    ),
    questions=(
        Ask("-", "D1", "demographic", "Giới tính", GENDER, unverified=NO_FORM),
        Ask("-", "D2", "demographic", "Độ tuổi", (), unverified=NO_FORM),
        Ask("-", "D3", "demographic", "Dân tộc", (), unverified=NO_FORM),
        Ask("-", "D4", "demographic", "Trình độ học vấn", (), unverified=NO_FORM),
        Ask("-", "D5", "demographic", "Nghề nghiệp", (), unverified=NO_FORM),
        Ask("-", "D6", "demographic", "Lĩnh vực thủ tục hành chính đã giải quyết", (), unverified=NO_FORM),
    ),
)  # fmt: skip
