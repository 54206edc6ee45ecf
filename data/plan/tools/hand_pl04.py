"""Phụ lục 04 (003_80af4dac8d2d0d1a.txt): tasks under plan 02-KH/BCĐTW, with deadlines and results.

Task texts are copied from the extraction (which kept the diacritics).  The "Kết quả thực hiện"
column came out as separate blocks after the task table; they are matched to tasks in order
(nine blocks for nine tasks) — an inference the README records.
"""
LOCAL = "Các địa phương"
TASKS = [
 ("Nhóm II - Xây dựng hạ tầng số và các Cơ sở dữ liệu trọng yếu", "1",
  "Đẩy mạnh kết nối, liên thông dữ liệu, ứng dụng phục vụ chỉ đạo, điều hành của các lãnh đạo và các cấp chính quyền, đáp ứng mô hình chính quyền địa phương 2 cấp (đối với cấp địa phương).",
  LOCAL, "2025-12-31",
  "Hợp nhất dữ liệu về Hệ thống thông tin chuyên ngành dùng chung của tỉnh: (1) Hệ thống Thư điện tử công vụ; (2) Nền tảng tích hợp chia sẻ dữ liệu (LGSP); (3) Hệ thống phần mềm Quản lý văn bản và điều hành; (4) Hệ thống thông tin giải quyết thủ tục hành chính tỉnh; (5) Cổng thông tin điện tử tỉnh; (6) Hệ thống thông tin báo cáo tỉnh; (7) Hệ thống hội nghị truyền hình tỉnh."),
 ("Nhóm II - Xây dựng hạ tầng số và các Cơ sở dữ liệu trọng yếu", "2",
  "Đồng bộ dữ liệu CSDL quốc gia, CSDL chuyên ngành về CSDL tổng hợp quốc gia, đảm bảo người dân chỉ kê khai thông tin một lần. Nghiên cứu cơ chế cho phép các doanh nghiệp triển khai, đảm nhận các dịch vụ công của cơ quan nhà nước.",
  LOCAL, "2025-12-31",
  "Đến nay, toàn tỉnh đã đầu tư, khai thác gần 60 ứng dụng, CSDL, hệ thống thông tin (HTTT); trong đó, có 20 hệ thống được kết nối, khai thác dữ liệu quốc gia, CSDL Bộ ngành. Hệ thống thông tin giải quyết TTHC tỉnh đã kết nối, tích hợp dữ liệu với các cơ sở dữ liệu, hệ thống thông tin do Trung ương và các bộ, ngành triển khai (Cổng Dịch vụ công quốc gia; CSDL đất đai VBDLIS; Hệ thống cấp mã số ngân sách; CSDL quốc gia về Bảo hiểm; CSDL Lý lịch tư pháp và Hộ tịch; Hệ thống Đăng ký doanh nghiệp; VNPOST; CSDL quốc gia về Dân cư và Dịch vụ công liên thông; Hệ thống trợ giúp xã hội trực tuyến) để hạn chế việc khai báo, cung cấp lại thông tin."),
 ("Nhóm II - Xây dựng hạ tầng số và các Cơ sở dữ liệu trọng yếu", "3",
  "Hoàn thành rà soát, cấu trúc lại các thủ tục hành chính chuyển từ thủ công trên giấy sang môi trường điện tử.",
  LOCAL, "2025-12-31",
  "Hệ thống thông tin giải quyết TTHC tỉnh có 108 cơ quan tham gia sử dụng (sở, ban, ngành: 12; UBND cấp xã: 96); có 2.184 TTHC được số hóa lên hệ thống (trong đó có 848 dịch vụ công trực tuyến toàn trình và 1.336 dịch vụ công trực tuyến một phần); có khoảng 5.000 tài khoản người dùng trên hệ thống."),
 ("Nhóm III - Thống nhất nền tảng, ứng dụng phục vụ người dân, doanh nghiệp", "4",
  "Tiếp tục đẩy mạnh số hóa hồ sơ, kết quả giải quyết thủ tục hành chính theo quy định, phục vụ tái sử dụng thông tin, dữ liệu.",
  LOCAL, "2025-12-31",
  "Đã số hóa 100% nhu cầu của cơ quan cấp sở về số hóa kết quả giải quyết thủ tục hành chính còn hiệu lực; hoàn thành số hóa dữ liệu hộ tịch đúng thời hạn theo yêu cầu của Chính phủ; cập nhật thông tin người lao động vào hệ thống cơ sở dữ liệu quốc gia về dân cư được 674.242/708.475 người trong độ tuổi lao động, đạt 95,17%."),
 ("Nhóm III - Thống nhất nền tảng, ứng dụng phục vụ người dân, doanh nghiệp", "5",
  "Tiếp tục thực hiện rà soát, đánh giá, nâng cấp hệ thống thông tin, cơ sở dữ liệu, kết nối, chia sẻ dữ liệu để bảo đảm cung cấp thực chất, hiệu quả 25 DVCTT toàn trình, 982 DVCTT với số lượng hồ sơ trung bình phát sinh 1.000 hồ sơ/năm/tỉnh, 82 nhóm TTHC toàn trình, 1.139 TTHC có thành phần hồ sơ được thay thế bằng dữ liệu.",
  LOCAL, "2025-12-31",
  "Hệ thống thông tin giải quyết TTHC tỉnh luôn hoạt động ổn định, đảm bảo kết nối, tích hợp đúng thời gian, lộ trình triển khai của các bộ, ngành, Trung ương; đã hoàn thành nâng cấp hệ thống đáp ứng sắp xếp chính quyền địa phương 2 cấp, theo Nghị định số 118/2025/NĐ-CP ngày 09/6/2025 của Chính phủ."),
 ("Nhóm III - Thống nhất nền tảng, ứng dụng phục vụ người dân, doanh nghiệp", "6",
  "Tổ chức chương trình nâng cao kỹ năng số cho người dân hoặc các chương trình hỗ trợ người dân thực hiện số hóa và nộp hồ sơ; triển khai các hoạt động truyền thông chủ động và minh bạch; truyền tải lợi ích của việc thực hiện DVCTT và tăng tương tác 2 chiều giữa người dân, doanh nghiệp với cơ quan nhà nước.",
  LOCAL, "2025-08-31",
  "Ngày 28/7/2025, UBND tỉnh tổ chức Lễ phát động Phong trào “Bình dân học vụ số” trên địa bàn tỉnh, trực tiếp kết hợp trực tuyến đến 96 điểm cầu cấp xã, phường, đặc khu; mời giảng viên Tập đoàn FPT tập huấn kỹ năng sử dụng AI cho cán bộ, công chức, viên chức. Sở Khoa học và Công nghệ ban hành văn bản số 335/SKHCN-BCVT&CĐS ngày 22/07/2025 hướng dẫn thành lập và tổ chức hoạt động Tổ công nghệ số cộng đồng."),
 ("Nhóm IV - Phát triển nguồn lực (nhân lực và tài chính)", "7",
  "Tổ chức các khoá đào tạo, tập huấn về kỹ năng số, kỹ năng vận hành hệ thống mới cho cán bộ, công chức, viên chức",
  LOCAL, "2025-12-31",
  "Ngày 08/8/2025, Sở Khoa học và Công nghệ tổ chức 01 lớp tập huấn chữ ký số bằng hình thức trực tuyến cho gần 200 cán bộ, công chức là đầu mối của 96 xã, phường, đặc khu, hướng dẫn quy trình quản lý chữ ký số chuyên dùng công vụ trên địa bàn tỉnh."),
 ("Nhóm V - Bảo đảm an toàn thông tin, an ninh mạng và bảo mật", "8",
  "Phối hợp với Bộ Công an, Bộ Quốc phòng, Bộ Khoa học và Công nghệ trong việc bảo đảm an toàn thông tin, an ninh mạng cho các hạ tầng kỹ thuật, dữ liệu, ứng dụng triển khai tại các bộ, cơ quan, địa phương.",
  LOCAL, "2025-12-31",
  "Tổ An ninh mạng, an toàn thông tin Công an tỉnh thực hiện Đề án 06 phối hợp kiểm tra, đảm bảo an ninh an toàn đối với hệ thống thông tin giải quyết thủ tục hành chính tỉnh, hệ thống cơ sở dữ liệu quốc gia về dân cư, hệ thống căn cước, định danh và xác thực điện tử; tổ chức tuyên truyền nâng cao ý thức trách nhiệm bảo đảm an ninh, an toàn hệ thống, thiết bị, dữ liệu."),
 ("Nhóm V - Bảo đảm an toàn thông tin, an ninh mạng và bảo mật", "9",
  "Sẵn sàng có phương án dự phòng, kịch bản ứng phó khi hệ thống bị lỗi, bị tấn công, bảo đảm phục vụ người dân, doanh nghiệp không bị gián đoạn, an toàn.",
  "Các cơ quan chủ trì quản lý, vận hành các nền tảng số, hệ thống thông tin, cơ sở dữ liệu", "2025-12-31",
  "Đã phân loại hệ thống thông tin theo cấp độ quy định tại Nghị định số 85/2016/NĐ-CP ngày 01/7/2016 của Chính phủ; đã triển khai phần mềm phòng chống mã độc và cập nhật định kỳ, có kiểm soát truy cập quản trị, có quy trình sao lưu, phục hồi dữ liệu, phương án phòng chống thất thoát dữ liệu."),
]
