/* Plotly's Vietnamese locale: the mode bar, notices and date formats on Vietnamese pages.
   Date formats from plotly.js-locales (vi.js, MIT licence); the dictionary, which upstream leaves empty,
   is ours. Registered through Plotly's own locale support; dashboards.js sets `locale` from <html lang>. */
(function () {
  "use strict";
  if (!window.Plotly) return;
  window.Plotly.register({
    moduleType: "locale",
    name: "vi",
    dictionary: {
      "Autoscale": "Tự động co giãn",
      "Box Select": "Chọn vùng chữ nhật",
      "Compare data on hover": "So sánh dữ liệu khi di chuột",
      "Double-click on legend to isolate one trace": "Nhấp đúp vào chú giải để chỉ xem một chuỗi",
      "Double-click to zoom back out": "Nhấp đúp để thu nhỏ lại",
      "Download plot": "Tải biểu đồ",
      "Download plot as a PNG": "Tải biểu đồ dạng ảnh PNG",
      "Download plot as JSON": "Tải biểu đồ dạng JSON",
      "Image download succeeded": "Đã tải ảnh xuống",
      "Lasso Select": "Chọn tự do",
      "Pan": "Kéo",
      "Produced with Plotly.js": "Vẽ bằng Plotly.js",
      "Reset": "Đặt lại",
      "Reset axes": "Đặt lại trục",
      "Reset view": "Đặt lại khung nhìn",
      "Reset views": "Đặt lại khung nhìn",
      "Show closest data on hover": "Hiện dữ liệu gần nhất khi di chuột",
      "Snapshot succeeded": "Đã chụp xong",
      "Sorry, there was a problem downloading your image!": "Xin lỗi, không tải được ảnh biểu đồ.",
      "Sorry, there was a problem downloading your snapshot!": "Xin lỗi, không tải được ảnh chụp.",
      "Taking snapshot - this may take a few seconds": "Đang chụp ảnh biểu đồ, xin chờ vài giây",
      "Toggle Spike Lines": "Bật/tắt đường dóng",
      "Toggle show closest data on hover": "Bật/tắt hiện dữ liệu khi di chuột",
      "Zoom": "Phóng to vùng chọn",
      "Zoom in": "Phóng to",
      "Zoom out": "Thu nhỏ",
      "trace": "chuỗi",
      "new text": "văn bản mới",
      "max:": "lớn nhất:",
      "min:": "nhỏ nhất:",
      "mean:": "trung bình:",
      "median:": "trung vị:",
      "q1:": "tứ phân vị 1:",
      "q3:": "tứ phân vị 3:"
    },
    format: {
      days: ["Chủ Nhật", "Thứ Hai", "Thứ Ba", "Thứ Tư", "Thứ Năm", "Thứ Sáu", "Thứ Bảy"],
      shortDays: ["CN", "T2", "T3", "T4", "T5", "T6", "T7"],
      months: ["Tháng Một", "Tháng Hai", "Tháng Ba", "Tháng Tư", "Tháng Năm", "Tháng Sáu", "Tháng Bảy",
        "Tháng Tám", "Tháng Chín", "Tháng Mười", "Tháng Mười Một", "Tháng Mười Hai"],
      shortMonths: ["Th1", "Th2", "Th3", "Th4", "Th5", "Th6", "Th7", "Th8", "Th9", "Th10", "Th11", "Th12"],
      date: "%d/%m/%Y",
      decimal: ",",
      thousands: ".",
      year: "%Y",
      month: "%m/%Y",
      dayMonth: "%d/%m",
      dayMonthYear: "%d/%m/%Y"
    }
  });
})();
