"""Kế hoạch 121/KH-UBND (002_29e3270302c3d650.txt) — typed by hand from the OCR text, with the
diacritics restored.  Each tuple: (number, text, target, lead agency, result, assessment).
Figures or words that the OCR did not show clearly are listed in ../README.md.
"""
VP = "Văn phòng UBND tỉnh"; KHCN = "Sở Khoa học và Công nghệ"; TT = "Trung tâm Phục vụ hành chính công tỉnh"

# Phụ lục 1: kết quả thực hiện các chỉ tiêu năm 2025
PL1 = [
 ("1", "Cung cấp dịch vụ công trực tuyến toàn trình đạt tỷ lệ 95% thủ tục hành chính có đủ điều kiện", "95%", VP, "97,22% TTHC cấp tỉnh; 44,91% TTHC cấp xã có DVCTT toàn trình", "Chưa đạt"),
 ("2", "Hồ sơ trực tuyến toàn trình của các dịch vụ công trực tuyến đạt tỷ lệ trung bình tối thiểu 60%", "60%", VP, "75,15%", "Đạt"),
 ("3", "Tỷ lệ người dân và doanh nghiệp sử dụng dịch vụ công trực tuyến được định danh và xác thực thông suốt, hợp nhất giữa các nền tảng, hệ thống cung cấp dịch vụ công trực tuyến, hệ thống thông tin giải quyết thủ tục hành chính thông qua định danh điện tử VNeID đạt 100%", "100%", KHCN, "100% tích hợp, xác thực thông suốt", "Đạt"),
 ("4", "Tỷ lệ cấp kết quả giải quyết thủ tục hành chính điện tử đạt 100%", "100%", VP, "83,28%", "Chưa đạt"),
 ("5", "Tỷ lệ người dân, doanh nghiệp hài lòng trong giải quyết thủ tục hành chính đạt 90%", "90%", VP, "95,32%", "Đạt"),
 ("6", "100% chế độ báo cáo được hợp nhất, kết nối với Hệ thống thông tin báo cáo Chính phủ", "100%", VP, "Đã hợp nhất, kết nối từ 01/7/2025", "Đạt"),
 ("7", "100% nhiệm vụ Chính phủ, Thủ tướng Chính phủ giao; của UBND tỉnh giao được theo dõi, giám sát, đánh giá bằng dữ liệu số", "100%", VP, "100% nhiệm vụ theo dõi trên hệ thống số", "Đạt"),
 ("8", "100% các thông tin, dữ liệu của địa phương được tích hợp, kết nối, chia sẻ với các hệ thống thông tin của Chính phủ, Trung ương Đảng, Quốc hội", "100%", KHCN, "LGSP kết nối >20 CSDL quốc gia", "Đạt"),
 ("9", "Xử lý hồ sơ công việc trên môi trường mạng (trừ hồ sơ công việc thuộc phạm vi bí mật nhà nước) tại cấp tỉnh đạt 100%; cấp xã đạt 80%", "100%", VP, "Tỉnh 99,8%; Xã >98%", ""),
 ("10", "Tỷ trọng kinh tế số trên GRDP đạt tối thiểu 20%", "20%", KHCN, "Ước 10%", "Chưa đạt"),
 ("11", "Tỷ lệ doanh nghiệp sử dụng hợp đồng điện tử trong lĩnh vực thương mại đạt trên 80%", "80%", "Sở Công Thương", "90% đơn vị cung cấp dịch vụ thiết yếu", "Đạt"),
 ("12", "Tỷ lệ doanh nghiệp nhỏ và vừa sử dụng nền tảng số đạt trên 50%", "50%", "Sở Tài chính", "65,47% doanh nghiệp sử dụng", "Đạt"),
 ("13", "100% cửa hàng bán lẻ xăng dầu; 100% trung tâm thương mại; 50% cơ sở cung cấp dịch vụ ăn uống, bán lẻ hàng hóa tại các trung tâm thương mại, cửa hàng bán lẻ hàng tiêu dùng trên địa bàn tỉnh triển khai giải pháp hóa đơn điện tử khởi tạo từ máy tính tiền để chống thất thu thuế, thất thu ngân sách", "100%", "Thuế tỉnh Quảng Ngãi", "Triển khai diện rộng", "Đạt"),
 ("14", "Tỷ lệ dân số trưởng thành được cấp chứng thư chữ ký số, chứng thư chữ ký điện tử đạt trên 50%", "50%", KHCN, "10%", "Chưa đạt"),
 ("15", "Trung tâm dữ liệu tỉnh đảm bảo hạ tầng phục vụ các cơ sở dữ liệu cấp tỉnh, cơ sở dữ liệu dùng chung khác theo quy định của pháp luật", "Đạt", "Sở Khoa học và Công nghệ; Văn phòng Tỉnh ủy; Văn phòng UBND tỉnh", "Vận hành ổn định, đa nền tảng", "Đạt"),
 ("16", "Hạ tầng Internet vạn vật (IoT) độ trễ thấp sẵn sàng tại tất cả các khu công nghiệp, cụm công nghiệp; các trường cao đẳng, đại học; các điểm quan trắc trên địa bàn tỉnh", "Đạt", KHCN, "532 trạm BTS 5G, IOC vận hành", "Đạt"),
 ("17", "20% cụm dân cư đang lõm sóng và đã có điện lưới quốc gia được phủ sóng băng rộng di động; 100% số hộ gia đình có khả năng tiếp cận dịch vụ Internet cáp quang băng rộng", "20%", KHCN, "42,9% cụm dân cư lõm sóng được phủ sóng; 69,13% hộ dùng cáp quang", "Đạt"),
 ("18", "Tỷ lệ hồ sơ tư liệu các di sản văn hóa Việt Nam đã được ghi danh, công nhận và xếp hạng được số hóa, hiện diện trên môi trường số đạt tỷ lệ 100%", "100%", "Sở Văn hóa, Thể thao và Du lịch", "Đã triển khai số hóa", "Đạt"),
 ("19", "Tỷ lệ triển khai học bạ số đối với học sinh và bảng điểm số đối với sinh viên đạt 100%", "100%", "Các trường cao đẳng, đại học trên địa bàn tỉnh", "Triển khai toàn tỉnh", "Đạt"),
 ("20", "Tỷ lệ các cơ sở giáo dục công lập trên toàn tỉnh triển khai thanh toán học phí không dùng tiền mặt đạt tỷ lệ 70%", "70%", "Sở Giáo dục và Đào tạo", "94%", "Đạt"),
 ("21", "Tỷ lệ các bệnh viện, cơ sở khám chữa bệnh triển khai Sổ sức khỏe điện tử tích hợp trên ứng dụng VNeID đạt 100%", "100%", "Sở Y tế", "", ""),
 ("22", "Tỷ lệ phê duyệt cấp độ an toàn hệ thống thông tin của các cơ quan nhà nước đạt 100%, tỷ lệ triển khai đầy đủ phương án bảo đảm an toàn hệ thống thông tin theo cấp độ của các cơ quan nhà nước đạt 100%", "100%", "", "", ""),
 ("23", "Tỷ lệ các cơ quan cấp tỉnh, UBND cấp xã triển khai giải pháp sẵn sàng phục hồi nhanh hoạt động của hệ thống thông tin phục vụ người dân và doanh nghiệp khi gặp sự cố, đưa hoạt động trở lại bình thường trong vòng 24 tiếng hoặc theo yêu cầu nghiệp vụ đạt 100%", "100%", "", "", ""),
]

# Phụ lục 2: mục tiêu chuyển đổi số năm 2026, five groups.  (group, group name, rows)
PL2 = [
 ("I", "Chính quyền số", [
  ("1", "Tỷ lệ hồ sơ thủ tục hành chính xử lý trực tuyến toàn trình, người dân chỉ phải nhập dữ liệu một lần", "80%", TT),
  ("2", "Tỷ lệ thủ tục hành chính được thực hiện không phụ thuộc vào địa giới hành chính", "100%", TT),
  ("3", "Tỷ lệ thủ tục hành chính đủ điều kiện thực hiện cung cấp dịch vụ công trực tuyến toàn trình", "100%", TT),
  ("4", "Tỷ lệ người dân và doanh nghiệp sử dụng dịch vụ công trực tuyến được định danh và xác thực thông suốt, hợp nhất giữa các nền tảng, hệ thống cung cấp dịch vụ công trực tuyến, hệ thống thông tin giải quyết thủ tục hành chính thông qua định danh điện tử VNeID", "100%", TT),
  ("5", "Tỷ lệ cấp kết quả giải quyết thủ tục hành chính điện tử đủ điều kiện", "100%", TT),
  ("6", "Tỷ lệ người dân, doanh nghiệp đánh giá hài lòng khi sử dụng dịch vụ công trực tuyến", "95%", TT),
  ("7", "Tỷ lệ các dịch vụ công trực tuyến toàn trình thiết yếu được ứng dụng AI", "30%", TT),
  ("8", "Tỷ lệ hồ sơ công việc tại cấp tỉnh, cấp xã được xử lý trên môi trường điện tử (trừ hồ sơ công việc thuộc phạm vi bí mật nhà nước) và sử dụng chữ ký số cá nhân để giải quyết công việc", "100%", VP),
  ("9", "Tỷ lệ chế độ báo cáo của các cơ quan được thực hiện trên Hệ thống thông tin báo cáo", "100%", VP),
  ("10", "Tỷ lệ nhiệm vụ Chính phủ, Thủ tướng Chính phủ giao cho các bộ, ngành, địa phương được theo dõi, giám sát, đánh giá trên môi trường điện tử", "100%", VP),
  ("11", "Tỷ lệ các cơ quan thuộc hệ thống chính trị trên địa bàn tỉnh triển khai trao đổi, xử lý văn bản mật trên mạng mật của Trung ương", "100%", "Văn phòng Tỉnh ủy; Sở Khoa học và Công nghệ"),
 ]),
 ("II", "Hạ tầng và dữ liệu số", [
  ("1", "Tỷ lệ phủ sóng 5G trên địa bàn (dân số)", "60%", KHCN),
  ("2", "Đảm bảo hệ thống mạng nội bộ LAN tại đơn vị, địa phương hoạt động thông suốt và an toàn thông tin", "Hoàn thành", "Các sở, ban, ngành; UBND các địa phương"),
  ("3", "Tỷ lệ hệ thống thông tin dùng chung của tỉnh; các cơ quan Đảng, Nhà nước kết nối vào mạng truyền số liệu chuyên dùng và liên thông từ Trung ương đến cấp xã", "90%", KHCN),
  ("4", "Tỷ lệ Đài truyền thanh cấp xã có ứng dụng công nghệ (Truyền thanh thông minh)", "100%", "Sở Văn hóa, Thể thao và Du lịch; UBND các địa phương"),
  ("5", "Tỷ lệ cơ sở dữ liệu của tỉnh được số hóa và liên thông với Trung ương", "50%", KHCN),
  ("6", "Tỷ lệ hoàn thành các cơ sở dữ liệu chuyên ngành của tỉnh", "50%", "Các sở, ban, ngành; UBND các địa phương"),
  ("7", "Tỷ lệ bộ dữ liệu dùng chung của tỉnh được công khai dữ liệu mở phục vụ người dân, doanh nghiệp và nghiên cứu", "20%", "Các sở, ban, ngành; UBND các địa phương"),
 ]),
 ("III", "Kinh tế số và Xã hội số", [
  ("1", "Quy mô kinh tế số chiếm tỉ trọng trong GRDP", "12%", "Sở Khoa học và Công nghệ; Sở Tài chính; Thống kê Quảng Ngãi"),
  ("2", "Tỷ lệ doanh nghiệp sử dụng nền tảng hợp đồng điện tử", "80%", "Sở Công Thương"),
  ("3", "Tỷ lệ doanh nghiệp nhỏ và vừa sử dụng nền tảng số", "50%", "Sở Tài chính; Ban Quản lý KKT Dung Quất và các KCN tỉnh"),
  ("4", "Tỷ lệ người dân trưởng thành có tài khoản định danh điện tử mức 2 (VNeID)", "87%", "Công an tỉnh"),
  ("5", "Tỷ lệ dân số từ 15 tuổi trở lên có tài khoản giao dịch tại ngân hàng hoặc các tổ chức được phép khác", "53%", "Ngân hàng Nhà nước Khu vực 9"),
  ("6", "Tỷ lệ người dân trưởng thành có chữ ký số hoặc chữ ký điện tử", "15%", KHCN),
  ("7", "Tỷ lệ người dân có Sổ sức khỏe điện tử đảm bảo “đúng - đủ - sạch - thống nhất - dùng chung”", "83%", "Sở Y tế"),
  ("8", "Tỷ lệ các cơ sở giáo dục công lập trên toàn tỉnh triển khai thanh toán học phí không dùng tiền mặt", "100%", "Sở Giáo dục và Đào tạo"),
 ]),
 ("IV", "An toàn thông tin", [
  ("1", "Tỷ lệ khai báo, phê duyệt cấp độ và triển khai đầy đủ phương án bảo đảm an toàn thông tin theo cấp độ", "100%", "Công an tỉnh"),
  ("2", "Tỷ lệ các sở, ngành, địa phương triển khai giải pháp sẵn sàng phục hồi nhanh hoạt động của hệ thống thông tin phục vụ người dân và doanh nghiệp khi gặp sự cố, đưa hoạt động trở lại bình thường trong vòng 24 tiếng hoặc theo yêu cầu nghiệp vụ", "100%", "Các sở, ban, ngành; UBND các địa phương; Đội ứng cứu sự cố mạng máy tính tỉnh"),
  ("3", "Bảo đảm người dân được tiếp cận thông tin cảnh báo an toàn thông tin", "100%", "Công an tỉnh"),
 ]),
 ("V", "Nguồn nhân lực", [
  ("1", "Tỷ lệ cán bộ, công chức, viên chức cấp tỉnh, cấp xã được bồi dưỡng kỹ năng số căn bản, AI", "100%", "Sở Khoa học và Công nghệ; Sở Nội vụ"),
  ("2", "Tỷ lệ Tổ công nghệ số cộng đồng hoạt động hiệu quả, duy trì tập huấn", "100%", "UBND các địa phương"),
  ("3", "Tỷ lệ cơ sở giáo dục phổ thông và giáo dục thường xuyên có kế hoạch và triển khai hoạt động phổ cập kỹ năng số cho học sinh", "100%", "Sở Giáo dục và Đào tạo"),
  ("4", "Tỷ lệ người dân trong độ tuổi trưởng thành được tiếp cận, tập huấn, tuyên truyền về kỹ năng số cơ bản", "100%", "Sở Khoa học và Công nghệ và các sở, ngành"),
  ("5", "Tỷ lệ người lao động trong các doanh nghiệp, hợp tác xã, liên hiệp hợp tác xã được tiếp cận, tập huấn, tuyên truyền về kỹ năng số cơ bản", "100%", "Sở Nội vụ và các sở, ngành"),
 ]),
]
