"""The Ministry of Home Affairs' 2022 form, "PHIẾU KHẢO SÁT Sự hài lòng của người dân đối với sự phục vụ
của cơ quan hành chính nhà nước", Phần B Câu 1-10 and Phần A.

Source S31 (tuan-bug/KhaoSat, resources/views/formKS.blade.php), domain-sources.md §1.2.1 [S]. Slips of
the transcribing app are not copied: Câu 5's stray first option (a copy of Câu 2's "Qua loa phát thanh
xã"), "công chứ", "người người dân", "đời sồng", a doubled and a missing closing parenthesis.
Câu 10 item 8 is missing from the transcription: not in the list, not in the file.
"""

from tests.sipas.official import GENDER, Ask, Aspect, Element, Form, Row, table

INTEREST = ((1, "Không quan tâm"), (2, "Quan tâm một chút"), (3, "Rất quan tâm"))
TICK = ((1, "Có"), (2, "Không"))  # the platform's encoding of a tick box (ticked / not ticked)
HAVE = ((1, "Đã từng/ Có"), (2, "Chưa từng/ Không có"))
WANT = ((3, "Rất nhiều"), (2, "Nhiều"), (1, "Ít"))
ONE_OR_MORE = "one tick or several? S31 has a single choice"

FORM = Form(
    version="sipas-2022",
    source="S31",
    aspects=(
        Aspect("policy", "Việc ban hành, tổ chức thực hiện các chính sách", (
            Element("PA", "Trách nhiệm giải trình của cơ quan", (
                Row("9.1", "P01v2", "Cơ quan nhà nước cung cấp, giải thích thông tin về các chính sách theo "
                                    "nhiều hình "
                    "thức, giúp mọi người dân dễ tìm, dễ thấy"),
                Row("9.2", "P02v2", "Cơ quan nhà nước cung cấp thông tin về các chính sách đầy đủ, dễ hiểu "
                                    "đối với người dân"),
            )),
            Element("PB", "Sự tham gia của người dân", (
                Row("9.3", "P03", "Cơ quan nhà nước tổ chức xin ý kiến góp ý của người dân đối với các chính "
                                  "sách theo "
                    "nhiều hình thức, giúp mọi người dân tham gia góp ý kiến dễ dàng"),
                Row("9.4", "P04v2", "Cơ quan nhà nước tổ chức nhiều hình thức để người dân phản hồi ý kiến "
                                    "về kết quả, tác "
                    "động của các chính sách, giúp người dân tham gia phản hồi ý kiến dễ dàng"),
            )),
            Element("PC", "Chất lượng chính sách", (
                Row("9.5", "P05", "Chính sách về phát triển kinh tế - xã hội ở địa phương phù hợp. (Gồm các "
                                  "quy định về "
                    "thu hút đầu tư, kinh doanh, việc làm, tín dụng…)"),
                Row("9.6", "P06", "Chính sách về khám chữa bệnh phù hợp. (Gồm các quy định về bệnh viện, "
                                  "phòng khám, trạm "
                    "y tế; việc khám, chữa bệnh; bảo hiểm y tế; về viện phí… ở các bệnh viện công, phòng "
                    "khám công, trạm y tế)"),
                Row("9.7", "P07", "Chính sách về giáo dục phổ thông phù hợp. (Gồm các quy định về chương "
                                  "trình giảng dạy, "
                    "sách giáo khoa, trường học, lớp học, đánh giá học sinh, thủ tục nhập học … ở các trường "
                    "phổ thông công lập)"),
                Row("9.8", "P08", "Chính sách trật tự, an toàn xã hội phù hợp. (Gồm các quy định về quản lý "
                                  "dân cư, giữ gìn "
                    "trật tự nơi công cộng, quản lý an ninh mạng; phòng chống tội phạm…)"),
                Row("9.9", "P09", "Chính sách về giao thông đường bộ phù hợp. (Gồm các quy định về xây dựng, "
                                  "phát triển "
                    "đường bộ; giao thông đường bộ; bảo đảm trật tự, an toàn giao thông đường bộ …)"),
                Row("9.10", "P10", "Chính sách về điện sinh hoạt phù hợp. (Gồm các quy định về cung cấp, "
                                   "quản lý, phát "
                    "triển điện sinh hoạt; giá tiền, chất lượng điện sinh hoạt …)"),
                Row("9.11", "P11", "Chính sách về nước sinh hoạt phù hợp. (Gồm các quy định về cung cấp, "
                                   "quản lý, phát "
                    "triển nước sinh hoạt; giá tiền, chất lượng nước sinh hoạt …)"),
                Row("9.12", "P12", "Chính sách về an sinh xã hội phù hợp. (Gồm các quy định về bảo hiểm xã "
                                   "hội, bảo hiểm "
                    "thất nghiệp; hỗ trợ thường xuyên đối với người có công, người nghèo, người tàn tật… và "
                    "hỗ trợ đột xuất "
                    "cho người dân khi gặp mất mùa, thiên tai …)"),
            )),
            Element("PD", "Kết quả, tác động của chính sách", (
                Row("9.13", "P13v2", "Chính sách của địa phương đã góp phần giúp cho kinh tế gia đình của "
                                     "người dân địa "
                    "phương ngày càng tốt hơn trong thời gian qua"),
                Row("9.14", "P14v2", "Chính sách của địa phương đã góp phần giúp cho chất lượng cuộc sống "
                                     "của người dân địa "
                    "phương ngày càng tốt hơn trong thời gian qua"),
            )),
        )),
        Aspect("service", "Việc cung ứng dịch vụ hành chính công", (
            Element("S1", "Tiếp cận", (
                Row("9.15", "S01", "Cơ quan cung cấp thông tin về việc giải quyết thủ tục hành chính theo "
                                   "nhiều hình thức, "
                    "dễ tiếp cận, dễ hiểu đối với mọi người dân"),
                Row("9.16", "S02", "Trụ sở cơ quan tiếp nhận hồ sơ, trả kết quả giải quyết thủ tục hành "
                                   "chính có biển "
                    "hiệu, hướng dẫn rõ ràng, dễ thấy"),
                Row("9.17", "S03", "Trụ sở cơ quan tiếp nhận hồ sơ, trả kết quả giải quyết thủ tục hành "
                                   "chính sạch sẽ, văn minh"),
                Row("9.18", "S04", "Trang thiết bị phục vụ người dân đầy đủ, chất lượng tốt, giúp người dân "
                                   "giải quyết công "
                    "việc dễ dàng hơn"),
            )),
            Element("S2", "Thủ tục hành chính", (
                Row("9.19", "S05", "Quy định thủ tục hành chính được niêm yết công khai tại trụ sở cơ quan "
                                   "tiếp nhận hồ sơ, "
                    "trả kết quả giải quyết thủ tục hành chính dễ thấy, dễ hiểu"),
                Row("9.20", "S06", "Thành phần hồ sơ người dân phải nộp là đúng quy định"),
                Row("9.21", "S07", "Mức phí/lệ phí người dân phải nộp là đúng quy định"),
                Row("9.22", "S08", "Thời hạn giải quyết thủ tục hành chính cho người dân là đúng quy định"),
            )),
            Element("S3", "Công chức trực tiếp giải quyết công việc", (
                Row("9.23", "S09", "Công chức có thái độ giao tiếp lịch sự, tôn trọng đối với người dân"),
                Row("9.24", "S10", "Công chức cung cấp thông tin, trả lời kịp thời, đầy đủ các câu hỏi, ý "
                                   "kiến của người dân"),
                Row("9.25", "S11", "Công chức hướng dẫn hồ sơ dễ hiểu, đảm bảo người dân có thể hoàn thiện "
                                   "hồ sơ sau một "
                    "lần hướng dẫn"),
                Row("9.26", "S12", "Công chức tuân thủ đúng quy định trong giải quyết công việc cho người "
                                   "dân"),
                Row("9.27", "S13", "Công chức tận tình đối với người dân trong quá trình giải quyết công "
                                   "việc"),
            )),
            Element("S4", "Kết quả (Có thể là được cấp giấy tờ hoặc bị từ chối cấp giấy tờ)", (
                Row("9.28", "S14", "Kết quả giải quyết thủ tục hành chính cho người dân được trả đúng hẹn"),
                Row("9.29", "S15", "Kết quả giải quyết thủ tục hành chính cho người dân có thông tin đầy đủ, "
                                   "chính xác"),
                Row("9.30", "S16", "Kết quả giải quyết thủ tục hành chính cho người dân đảm bảo tính công "
                                   "bằng"),
            )),
            Element("S5", "Cơ quan nhà nước tiếp nhận, xử lý phản ánh, kiến nghị của người dân", (
                Row("9.31", "S17", "Cơ quan có bố trí hình thức tiếp nhận phản ánh, kiến nghị, giúp người "
                                   "dân phản ánh, "
                    "kiến nghị dễ dàng"),
                Row("9.32", "S18", "Cơ quan tiếp nhận, xử lý phản ánh, kiến nghị của người dân đúng quy "
                                   "định"),
                Row("9.33", "S19", "Cơ quan thông báo kết quả xử lý phản ánh kiến nghị cho người dân kịp "
                                   "thời"),
            )),
        )),
    ),
    questions=(
        *table("1", "perception", "Xin Ông/Bà cho biết mức độ quan tâm của Ông/Bà đối với các chính sách của "
                                  "cơ quan "
               "nhà nước trong bảng dưới đây?", INTEREST, (
            (1, "I01v2", "Chính sách về phát triển kinh tế - xã hội"),
            (2, "I02v2", "Chính sách về khám, chữa bệnh"),
            (3, "I03v2", "Chính sách về giáo dục phổ thông"),
            (4, "I04v2", "Chính sách về trật tự, an toàn xã hội"),
            (5, "I05v2", "Chính sách về giao thông đường bộ"),
            (6, "I06v2", "Chính sách về điện sinh hoạt"),
            (7, "I07v2", "Chính sách về nước sinh hoạt"),
            (8, "I08v2", "Chính sách về an sinh, xã hội"),
        )),
        *table("2", "perception", "Ông/Bà sử dụng kênh thông tin nào để theo dõi các chính sách nêu ở câu "
                                  "1?", TICK, (
            (1, "KT1", "Qua loa phát thanh xã"),
            (2, "KT2", "Qua họp, sinh hoạt, thông báo tại khu dân cư"),
            (3, "KT3", "Qua cơ quan nhà nước, công chức"),
            (4, "KT4", "Qua người thân, bạn bè"),
            (5, "KT5", "Qua đài, ti vi, báo chí"),
            (6, "KT6", "Qua mạng internet"),
            (7, "KT7", "Qua hình thức khác (xin ghi cụ thể)"),
        ), unverified=ONE_OR_MORE),
        Ask("3", "TG", "perception", "Khi cơ quan nhà nước tổ chức xin ý kiến người dân về chính sách nêu ở "
                                     "câu 1, "
            "Ông/Bà có thể tham gia góp ý kiến không?", (
                (1, "Không thể tham gia, vì không biết thông tin"),
                (2, "Không thể tham gia, vì bản thân không muốn"),
                (3, "Có thể tham gia, nếu được biết thông tin"),
                (4, "Có thể tham gia, nếu được tạo điều kiện thuận tiện"),
                (5, "Chắc chắn tham gia, vì bản thân mong muốn"),
            )),
        Ask("4", "R1v2", "perception", "Ông/Bà có suy nghĩ như thế nào về tình trạng công chức gây phiền hà, "
                                       "sách nhiễu "
            "cho người dân hiện nay ở địa phương?", (
                (1, "Không có công chức nào gây phiền hà, sách nhiễu cho người dân"),
                (2, "Một số công chức gây phiền hà, sách nhiễu cho người dân"),
                (3, "Nhiều công chức gây phiền hà, sách nhiễu cho người dân"),
            )),
        Ask("5", "R2v2", "perception", "Ông/Bà suy nghĩ gì về tình trạng người dân phải đưa tiền ngoài quy "
                                       "định cho "
            "công chức để công việc được giải quyết hiện nay ở địa phương?", (
                (1, "Không có người dân nào phải đưa tiền ngoài quy định cho công chức"),
                (2, "Một số người dân phải đưa tiền ngoài quy định cho công chức"),
                (3, "Nhiều người dân phải đưa tiền ngoài quy định cho công chức"),
            )),
        Ask("6", "R3", "perception", "Xin Ông/Bà cho biết hình thức nộp hồ sơ và nhận kết quả giải quyết thủ "
                                     "tục hành "
            "chính phù hợp với Ông/Bà?", (
                (1, "Theo hình thức trực tiếp (tại cơ quan)"),
                (2, "Theo hình thức trực tuyến (qua mạng internet)"),
                (3, "Theo cả hình thức trực tiếp và trực tuyến"),
            )),
        Ask("7", "R4", "perception", "Xin Ông/Bà cho biết hình thức cung cấp thông tin về chính sách phù hợp "
                                     "với Ông/Bà?", (
            (1, "Theo hình thức trực tiếp (tại cơ quan)"),
            (2, "Theo hình thức trực tuyến (qua mạng internet)"),
            (3, "Theo hình thức trực tiếp và trực tuyến"),
        )),
        *table("8", "perception", "Xin Ông/Bà cho biết trải nghiệm của bản thân Ông/Bà đối với các nội dung "
                                  "trong bảng "
               "dưới đây?", HAVE, (
            (1, "TN1", "Có người thân đang đi học phổ thông"),
            (2, "TN2", "Bản thân hoặc có người thân gần đây đi khám, chữa bệnh tại bệnh viện, phòng khám đa "
                       "khoa công "
                "lập, ở tuyến tỉnh, huyện, trạm y tế ở xã, phường"),
            (3, "TN3", "Giải quyết công việc với cơ quan nhà nước (các cấp)"),
            (4, "TN4", "Giải quyết thủ tục hành chính"),
            (5, "TN5", "Phản ánh, kiến nghị với cơ quan nhà nước (các cấp)"),
            (6, "TN6", "Góp ý kiến đối với cơ quan nhà nước (các cấp) về chính sách"),
            (7, "TN7", "Phản hồi ý kiến đối với cơ quan nhà nước về kết quả thực hiện chính sách, kết quả "
                       "thực hiện giải "
                "quyết thủ tục hành chính của các chính quyền"),
        )),
        *table("10", "expectation", "Xin Ông/Bà cho biết mức độ Ông/Bà mong muốn cơ quan nhà nước tập trung "
                                    "ưu tiên "
               "nguồn lực để cải thiện chất lượng các vấn đề trong bảng dưới đây?", WANT, (
            (1, "M01", "Nâng cao hơn nữa chất lượng cung cấp thông tin cho người dân"),
            (2, "M02", "Nâng cao hơn nữa chất lượng trụ sở, trang thiết bị phục vụ giải quyết công việc cho "
                       "người dân"),
            (3, "M03", "Nâng cao hơn nữa năng lực của cán bộ, công chức, viên chức trong giải quyết công "
                       "việc cho người dân"),
            (4, "M04", "Nâng cao hơn nữa thái độ phục vụ của cán bộ, công chức, viên chức đối với người dân"),
            (5, "M05", "Tăng cường ứng dụng công nghệ thông tin, chuyển đổi số trong giải quyết công việc "
                       "cho người dân"),
            (6, "M06", "Nâng cao hơn nữa sự quan tâm của cơ quan nhà nước đối với nhu cầu, mong đợi của "
                       "người dân"),
            (7, "M07", "Nâng cao hơn nữa chất lượng tiếp nhận, giải quyết ý kiến góp ý, phản ánh, kiến nghị "
                       "của người dân"),
            (9, "M09", "Nâng cao hơn nữa chất lượng các chính sách quan trọng đối với đời sống của người "
                       "dân"),
            (10, "M10", "Nâng cao hơn nữa chất lượng dịch vụ hành chính công (việc giải quyết thủ tục hành "
                        "chính)"),
        )),
        Ask("A", "D1", "demographic", "Giới tính", GENDER),
        Ask("A", "D2", "demographic", "Độ tuổi", (
            (1, "18 - 25 tuổi"), (2, "25 - 34 tuổi"), (3, "35 - 49 tuổi"), (4, "50 - 60 tuổi"), (5, "Trên 60 "
                                                                                                    "tuổi"),
        ), unverified="18 - 25 overlaps 25 - 34"),
        Ask("A", "D3", "demographic", "Dân tộc", ((1, "Kinh"), (2, "Khác"))),
        Ask("A", "D4v2", "demographic", "Trình độ học vấn", (
            (1, "Tiểu học (Cấp I)"), (2, "Trung học cơ sở (Cấp II)"), (3, "Trung học phổ thông (Cấp III)"),
            (4, "Dạy nghề/ Trung cấp/ Cao đẳng"), (5, "Đại học/ trên Đại học"), (6, "Khác"),
        )),
        Ask("A", "D5v2", "demographic", "Nghề nghiệp", (
            (1, "Nghỉ hưu"), (2, "Không đi làm (ở nhà)"), (3, "Làm công việc tự do (không ký hợp đồng lao "
                                                              "động)"),
            (4, "Sinh viên"), (5, "Làm việc tại tổ chức, doanh nghiệp trong lĩnh vực tư"),
            (6, "Làm việc tại cơ quan, tổ chức, doanh nghiệp trong lĩnh vực công"), (7, "Khác"),
        )),
        Ask("A", "D7", "demographic", "Nơi sinh sống", ((1, "Đô thị"), (2, "Nông thôn"))),
        Ask("A", "D8", "demographic", "Nơi sinh sống cụ thể", ((1, "Miền núi"), (2, "Đồng bằng"), (3, "Hải "
                                                                                                      "đảo"))),
    ),
    # former paraphrases and scales: the meaning changed, so these codes never come back
    retired=("P01", "P02", "P04", "P13", "P14", *(f"I{i:02d}" for i in range(1, 9)), "R1", "R2",
             *(f"X{i:02d}" for i in range(1, 11)), "D4", "D5"),
)  # fmt: skip
