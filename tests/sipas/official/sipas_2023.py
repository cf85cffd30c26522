"""The 2023-2026 method (QĐ 1001/QĐ-BNV) as Hà Nội wards use it: the "SIPAS 2026" form of Phường Tùng Thiện.

Source S32 (HoangLan01/form_test3, public/index.html at 0ad0ae0: the full wording that
src/utils/surveyMapper.js shortens), domain-sources.md §1.2.2 [S]. Phần B Câu 1-10, then Phần A in the
form's order. The national QĐ 1001 form itself was not retrieved.
"""

from tests.sipas.official import GENDER, Ask, Aspect, Element, Form, Row, table

POINT = "Chi nhánh Trung tâm Phục vụ hành chính công/Điểm phục vụ hành chính công"
INTEREST = (
    (1, "Không quan tâm theo dõi"),
    (2, "Khá quan tâm theo dõi"),
    (3, "Quan tâm theo dõi"),
    (4, "Rất quan tâm theo dõi"),
)
TICK = ((1, "Có"), (2, "Không"))  # Câu 2: the platform's encoding of a tick box; Câu 8: the form's words
SUIT = ((1, "Không phù hợp"), (2, "Khá phù hợp"), (3, "Phù hợp"), (4, "Rất phù hợp"))
WANT = ((1, "Không mong muốn"), (2, "Khá mong muốn"), (3, "Mong muốn"), (4, "Rất mong muốn"))
ABBREVIATED = "S32 abbreviates the options; written out as on the 2022 form"


def rows(start: int, *items: tuple[str, str]) -> tuple[Row, ...]:
    """Câu 9 rows numbered from `start`."""
    return tuple(Row(f"9.{start + i}", code, text) for i, (code, text) in enumerate(items))


def implemented(policy: str, scope: str) -> str:
    return f"Chính quyền tổ chức thực hiện tốt chính sách {policy} ở địa phương ({scope})"


FORM = Form(
    version="sipas-2023",
    source="S32",
    aspects=(
        Aspect("policy", "Việc xây dựng, tổ chức thực hiện chính sách công", (
            Element("PA", "Trách nhiệm giải trình của chính quyền về chính sách", rows(
                1,
                ("P01v2", "Chính quyền cung cấp, giải thích thông tin về các chính sách theo nhiều hình "
                          "thức, giúp mọi "
                 "người dân dễ tìm, dễ thấy. (Các hình thức như: Niêm yết công khai tại cơ quan, loa phát "
                 "thanh phường, "
                 "họp tổ dân phố, đăng tải trên trang thông tin điện tử của chính quyền...)"),
                ("P02v2", "Chính quyền cung cấp thông tin về các chính sách đầy đủ, dễ hiểu đối với người "
                          "dân"),
            )),
            Element("PB", "Sự tham gia của người dân vào quá trình xây dựng, tổ chức thực hiện chính "
                          "sách", rows(
                3,
                ("P03", "Chính quyền tổ chức nhiều hình thức để người dân dễ dàng tham gia góp ý kiến xây "
                        "dựng các chính "
                 "sách. (Các hình thức như: Mở các mục xin ý kiến vào dự thảo chính sách trên các trang "
                 "thông tin điện "
                 "tử; gửi phiếu xin ý kiến/phiếu khảo sát tới người dân; họp xin ý kiến tại khu dân cư; đăng "
                 "tải công "
                 "khai các số điện thoại, địa chỉ hộp thư điện tử để xin ý kiến ...)"),
                ("P04v2", "Chính quyền tổ chức nhiều hình thức để người dân dễ dàng phản hồi ý kiến đánh giá "
                          "tình hình triển "
                 "khai và kết quả, tác động của các chính sách ở địa phương"),
            )),
            Element("PC", "Chất lượng tổ chức thực hiện chính sách", rows(
                5,
                ("P05v2", implemented("phát triển kinh tế", "Các quy định, các hoạt động thu hút đầu tư, "
                                                            "kinh doanh, việc "
                                      "làm, tín dụng...")),
                ("P06v2", implemented("khám chữa bệnh", "Các quy định, hoạt động khám, chữa bệnh, bảo hiểm y "
                                                        "tế, viện phí, "
                                      "nhập viện, chuyển viện... ở các bệnh viện công, phòng khám công, trạm "
                                      "y tế")),
                ("P07v2", implemented("giáo dục phổ thông", "Các quy định, hoạt động dạy và học, chương "
                                                            "trình học, sách giáo "
                                      "khoa, trường học, lớp học, đánh giá học sinh, thủ tục nhập học ... ở "
                                      "các trường phổ "
                                      "thông công lập")),
                ("P08v2", implemented("trật tự, an toàn xã hội", "Các quy định, hoạt động quản lý dân cư, "
                                                                 "giữ gìn trật tự "
                                      "nơi công cộng, quản lý an ninh mạng; phòng chống tội phạm...")),
                ("P09v2", implemented("giao thông đường bộ", "Các quy định, hoạt động xây dựng, phát triển "
                                                             "đường bộ; giao "
                                      "thông đường bộ; bảo đảm trật tự, an toàn giao thông đường bộ ...")),
                ("P10v2", implemented("điện sinh hoạt", "Các quy định, hoạt động cung cấp điện sinh hoạt, "
                                                        "giá tiền điện sinh "
                                      "hoạt, quản lý, phát triển điện sinh hoạt...")),
                ("P11v2", implemented("nước sinh hoạt", "Các quy định, hoạt động cung cấp nước sinh hoạt, "
                                                        "giá tiền nước sinh "
                                      "hoạt, quản lý, phát triển nước sinh hoạt...")),
                ("P12v2", implemented("an sinh xã hội", "Các quy định, hoạt động thu, thanh toán bảo hiểm xã "
                                                        "hội, bảo hiểm "
                                      "thất nghiệp; hỗ trợ thường xuyên đối với người có công, người nghèo, "
                                      "người tàn tật, "
                                      "hỗ trợ đột xuất cho người dân khi gặp mất mùa, thiên tai ...")),
                ("P13v2", implemented("cải cách hành chính", "Các quy định, hoạt động cải cách thể chế, cải "
                                                             "cách thủ tục hành "
                                      "chính, cải cách tổ chức bộ máy cơ quan nhà nước, cải cách công vụ, "
                                      "cải cách quản lý "
                                      "tài chính công, xây dựng chính quyền điện tử, chính quyền số...")),
            )),
            Element("PD", "Kết quả, tác động của chính sách", rows(
                14,
                ("P14v2", "Kinh tế gia đình của người dân địa phương tốt hơn"),
                ("P15v2", "Kinh tế - xã hội của địa phương tốt hơn"),
                ("P16v2", "Bệnh viện công lập ở địa phương khám chữa bệnh cho người dân tốt hơn"),
                ("P17v2", "Trường phổ thông công lập dạy học sinh tốt hơn"),
                ("P18v2", "Trật tự, an toàn xã hội ở địa phương tốt hơn"),
                ("P19v2", "Đường bộ, giao thông ở địa phương tốt hơn"),
                ("P20v2", "Điện sinh hoạt của người dân ở địa phương tốt hơn"),
                ("P21v2", "Nước sinh hoạt của người dân ở địa phương tốt hơn"),
                ("P22v2", "An sinh xã hội đối với người dân ở địa phương tốt hơn"),
                ("P23v2", "Cơ quan hành chính nhà nước, đội ngũ cán bộ, công chức, viên chức ở địa phương có "
                          "năng lực và "
                 "thực thi công vụ tốt hơn"),
            )),
        )),
        Aspect("service", "Việc cung ứng dịch vụ hành chính công", (
            Element("S1", "Tiếp cận dịch vụ", rows(
                24,
                ("S02v2", f"{POINT} có biển hiệu, hướng dẫn rõ ràng, giúp người dân dễ tìm, dễ thấy"),
                ("S17", f"{POINT} có đủ ghế ngồi chờ, ghế ngồi giải quyết công việc và bàn viết cho người "
                        "dân"),
                ("S03", f"{POINT} có trang thiết bị phục vụ người dân đầy đủ, chất lượng tốt, giúp người dân "
                        "giải quyết "
                 "công việc dễ dàng hơn. (Máy lấy số xếp hàng, máy tính, máy để tra cứu thông tin, máy điều "
                 "hòa, quạt mát)"),
            )),
            Element("S2", "Thủ tục hành chính", rows(
                27,
                ("S04", f"Quy định thủ tục hành chính được niêm yết công khai tại {POINT} giúp người dân dễ "
                        "thấy, dễ đọc"),
                ("S05", "Công chức yêu cầu người dân nộp hồ sơ giải quyết thủ tục hành chính đúng theo quy "
                        "định"),
                ("S06", "Công chức yêu cầu người dân đóng phí lệ phí giải quyết thủ tục hành chính đúng theo "
                        "quy định"),
                ("S07", "Thời hạn giải quyết thủ tục hành chính cho người dân đúng theo quy định"),
            )),
            Element("S3", "Công chức trực tiếp giải quyết công việc", rows(
                31,
                ("S08", f"Công chức ở {POINT} có thái độ giao tiếp lịch sự, tôn trọng đối với người dân"),
                ("S09v2", f"Công chức ở {POINT} hướng dẫn hồ sơ dễ hiểu, đầy đủ, giúp người dân có thể hoàn "
                          "thiện hồ sơ "
                 "sau một lần hướng dẫn"),
                ("S10", f"Công chức ở {POINT} tuân thủ đúng quy định trong giải quyết thủ tục hành chính cho "
                        "người dân"),
            )),
            Element("S4", "Kết quả (Kết quả giải quyết TTHC có thể là được cấp giấy tờ hoặc bị từ chối "
                          "cấp)", rows(
                34,
                ("S11", "Kết quả giải quyết thủ tục hành chính cho người dân được trả đúng hẹn"),
                ("S12", "Kết quả giải quyết thủ tục hành chính cho người dân có thông tin đầy đủ, chính xác"),
                ("S13", "Kết quả giải quyết thủ tục hành chính cho người dân đảm bảo tính công bằng"),
            )),
            Element("S5", "Việc tiếp nhận, xử lý phản ánh, kiến nghị của người dân", rows(
                37,
                ("S14", f"{POINT} bố trí hình thức tiếp nhận phản ánh, kiến nghị, giúp người dân phản ánh, "
                        "kiến nghị dễ dàng"),
                ("S15", f"{POINT} tiếp nhận, xử lý phản ánh, kiến nghị của người dân đúng quy định"),
                ("S16", f"{POINT} thông báo kết quả xử lý phản ánh kiến nghị cho người dân kịp thời"),
            )),
        )),
    ),
    questions=(
        *table("1", "perception", "Xin Ông/Bà cho biết mức độ quan tâm theo dõi của Ông/Bà đối với các chính "
                                  "sách công "
               "trong bảng dưới đây (theo dõi thông qua cả hình thức đọc báo, nghe đài, xem trên ti vi, trên "
               "mạng "
               "internet)? (\"Chính sách\" ở đây nói đến các quy định, chương trình, hành động của chính "
               "quyền, cơ quan "
               "hành chính nhà nước ở địa phương)", INTEREST, (
            (1, "I01", "Chính sách phát triển kinh tế ở địa phương"),
            (2, "I02", "Chính sách khám, chữa bệnh ở địa phương"),
            (3, "I03", "Chính sách giáo dục phổ thông ở địa phương"),
            (4, "I04", "Chính sách nước sinh hoạt ở địa phương"),
            (5, "I05", "Chính sách điện sinh hoạt ở địa phương"),
            (6, "I06", "Chính sách trật tự, an toàn xã hội ở địa phương"),
            (7, "I07", "Chính sách giao thông đường bộ ở địa phương"),
            (8, "I08", "Chính sách an sinh, xã hội ở địa phương"),
            (9, "I09", "Chính sách cải cách hành chính ở địa phương"),
        )),
        *table("2", "perception", "Trong thời gian qua, Ông/Bà đã sử dụng kênh thông tin nào để theo dõi các "
                                  "chính sách "
               "nêu ở Câu 1? (Chọn nhiều)", TICK, (
            (1, "KT1", "Qua loa phát thanh phường"),
            (2, "KT2", "Qua họp, sinh hoạt, thông báo tại khu dân cư"),
            (3, "KT3", "Qua chính quyền, công chức"),
            (4, "KT4", "Qua người thân, bạn bè"),
            (5, "KT5", "Qua đài, ti vi, báo chí"),
            (6, "KT6", "Qua mạng internet (Trang thông tin điện tử, cổng thông tin điện tử, báo điện tử, "
                       "zalo, facebook...)"),
            (7, "KT7", "Qua hình thức khác (xin ghi cụ thể)"),
        )),
        *table("3", "perception", "Ông/Bà đánh giá mức độ phù hợp của các hình thức cơ quan nhà nước cung "
                                  "cấp thông tin "
               "về các chính sách nêu ở Câu 1 đối với bản thân Ông/Bà như thế nào?", SUIT, (
            (1, "PH1", "Cung cấp thông tin về các chính sách qua loa phát thanh phường"),
            (2, "PH2", "Cung cấp thông tin về các chính sách qua họp, sinh hoạt, thông báo tại khu dân cư"),
            (3, "PH3", "Cung cấp thông tin về các chính sách qua chính quyền, công chức"),
            (4, "PH4", "Cung cấp thông tin về các chính sách qua người thân, bạn bè"),
            (5, "PH5", "Cung cấp thông tin về các chính sách qua đài, ti vi, báo chí"),
            (6, "PH6", "Cung cấp thông tin về các chính sách qua mạng internet (Trang thông tin điện tử, báo "
                       "điện tử, "
                "zalo, facebook...)"),
            (7, "PH7", "Cung cấp thông tin về các chính sách qua hình thức khác"),
        )),
        Ask("4", "TG", "perception", "Trong thời gian tới, nếu cơ quan nhà nước tổ chức xin ý kiến người dân "
                                     "về chính "
            "sách nêu ở Câu 1, Ông/Bà có tham gia góp ý kiến không?", (
                (1, "Sẽ tham gia, nếu được xin ý kiến theo bất kỳ hình thức nào"),
                (2, "Sẽ tham gia, nếu được xin ý kiến theo hình thức gửi phiếu xin ý kiến đến nhà, cơ quan"),
                (3, "Sẽ tham gia, nếu được xin ý kiến tại cuộc họp cư dân ở nơi sinh sống"),
                (4, "Sẽ tham gia, nếu được xin ý kiến theo hình thức trực tuyến"),
            )),
        Ask("5", "R1v2", "perception", "Ông/Bà cảm nhận như thế nào về tình trạng công chức gây phiền hà, "
                                       "sách nhiễu cho "
            "người dân trong quá trình giải quyết thủ tục hành chính hiện nay ở địa phương?", (
                (1, "Không có công chức nào gây phiền hà, sách nhiễu cho người dân"),
                (2, "Có một số công chức gây phiền hà, sách nhiễu cho người dân"),
                (3, "Có nhiều công chức gây phiền hà, sách nhiễu cho người dân"),
            )),
        Ask("6", "R2v2", "perception", "Ông/Bà suy nghĩ gì về tình trạng người dân phải đưa tiền ngoài quy "
                                       "định nộp phí "
            "lệ phí (hay còn gọi là “tiền bôi trơn”, tiền “đút lót”) cho công chức trong quá trình giải "
            "quyết thủ tục "
            "hành chính hiện nay ở địa phương?", (
                (1, "Không có người dân nào phải đưa tiền ngoài quy định cho công chức"),
                (2, "Có một số người dân phải đưa tiền ngoài quy định cho công chức"),
                (3, "Có nhiều người dân phải đưa tiền ngoài quy định cho công chức"),
            )),
        *table("7", "perception", "Ông/Bà đánh giá mức độ phù hợp của các hình thức giải quyết thủ tục hành "
                                  "chính đối với "
               "bản thân Ông/Bà như thế nào?", SUIT, (
            (1, "HT1", "Nộp hồ sơ và nhận kết quả giải quyết thủ tục hành chính theo hình thức trực tiếp "
                       "(tại cơ quan nhà "
                "nước)"),
            (2, "HT2", "Nộp hồ sơ và nhận kết quả giải quyết thủ tục hành chính theo hình thức trực tuyến "
                       "toàn trình (tất "
                "cả các công việc đều thực hiện qua mạng internet)"),
            (3, "HT3", "Nộp hồ sơ và nhận kết quả giải quyết thủ tục hành chính theo hình thức trực tuyến "
                       "một phần (một số "
                "công việc trực tiếp tại cơ quan nhà nước và một số công việc qua mạng internet)"),
        )),
        *table("8", "perception", "Xin Ông/Bà cho biết trải nghiệm của bản thân Ông/Bà đối với các nội dung "
                                  "trong bảng "
               "dưới đây?", TICK, (
            (1, "TN1", "Ông/Bà đang có người thân đang đi học phổ thông hoặc đã có người thân đi học phổ "
                       "thông trong thời "
                "gian 3 năm trở lại đây"),
            (2, "TN2", "Ông/Bà hoặc người thân của Ông/Bà đi khám, chữa bệnh tại bệnh viện, phòng khám đa "
                       "khoa ở tuyến "
                "thành phố, tuyến phường"),
            (3, "TN3", "Ông/Bà giải quyết thủ tục hành chính tại Trung tâm Phục vụ hành chính công của thành "
                       "phố"),
            (4, "TN4", "Ông/Bà giải quyết thủ tục hành chính tại Điểm phục vụ hành chính công tại phường"),
            (5, "TN5", "Ông/Bà hỏi chính quyền, công chức về chính sách, thủ tục hành chính"),
            (6, "TN6", "Ông/Bà nêu ý kiến đánh giá với chính quyền về kết quả thực hiện chính sách, kết quả "
                       "giải quyết thủ "
                "tục hành chính"),
            (7, "TN7", "Ông/Bà nêu ý kiến phản ánh, kiến nghị với chính quyền về chính sách, thủ tục hành "
                       "chính"),
        )),
        *table("10", "expectation", "Xin Ông/Bà cho biết mức độ mong muốn của Ông/Bà đối với chính quyền địa "
                                    "phương "
               "trong việc cải thiện chất lượng phục vụ người dân trên các nội dung trong bảng dưới "
               "đây?", WANT, (
            (1, "X11", "Nâng cao tính công khai, minh bạch trong cung cấp thông tin cho người dân"),
            (2, "X12", "Tăng cường trách nhiệm giải trình của chính quyền đối với người dân"),
            (3, "X13", "Mở rộng các cơ hội tham gia giám sát của người dân đối với hoạt động của chính "
                       "quyền"),
            (4, "X14", "Nâng cao hiệu lực, hiệu quả hoạt động của chính quyền địa phương"),
            (5, "X02", "Tăng cường cơ sở vật chất, trang thiết bị phục vụ giải quyết công việc cho người "
                       "dân"),
            (6, "X03", "Nâng cao năng lực của cán bộ, công chức, viên chức trong giải quyết công việc cho "
                       "người dân"),
            (7, "X04", "Nâng cao tinh thần, thái độ phục vụ của cán bộ, công chức, viên chức đối với người "
                       "dân trong giải "
                "quyết công việc cho người dân"),
            (8, "X05", "Tăng cường ứng dụng công nghệ thông tin, chuyển đổi số trong giải quyết công việc "
                       "cho người dân"),
            (9, "X15", "Nâng cao chất lượng cung ứng dịch vụ công trực tuyến để tạo điều kiện thuận lợi, dễ "
                       "dàng cho người "
                "dân trong thực hiện dịch vụ công trực tuyến"),
            (10, "X07", "Nâng cao chất lượng tiếp nhận, giải quyết ý kiến góp ý, phản ánh, kiến nghị của "
                        "người dân"),
        )),
        Ask("A", "D1", "demographic", "Giới tính", GENDER),
        Ask("A", "D3", "demographic", "Dân tộc", ((1, "Kinh"), (2, "Khác"))),
        Ask("A", "D2", "demographic", "Độ tuổi",
            ((1, "18-24 tuổi"), (2, "25-34 tuổi"), (3, "35-49 tuổi"), (4, "50-60 tuổi"), (5, "Trên 60 "
                                                                                             "tuổi"))),
        Ask("A", "D4v2", "demographic", "Trình độ học vấn", (), unverified=ABBREVIATED),
        Ask("A", "D5v2", "demographic", "Nghề nghiệp", (), unverified=ABBREVIATED),
        Ask("A", "D7", "demographic", "Nơi sinh sống", ((1, "Đô thị"), (2, "Nông thôn")),
            unverified="not on the only 2023+ form found (S32)"),
    ),
    # the meaning changed, so these codes never come back: the former A/C/D paraphrases, the former
    # access and guidance items, the "did it happen to you" perceptions, X01 (information quality, not
    # openness), and the education and occupation lists
    retired=(
        "P01", "P02", "P04", *(f"P{i:02d}" for i in range(5, 24)),
        "S02", "S09", "R1", "R2", "X01", "D4", "D5",
    ),
)  # fmt: skip
