"""QR codes as inline SVG: no image files, crisp on screens and in PDFs."""

import io

import qrcode
import qrcode.image.svg


def qr_svg(data: str) -> str:
    """An <svg> element encoding `data` (usually SITE_URL + a path)."""
    image = qrcode.make(
        data,
        image_factory=qrcode.image.svg.SvgPathImage,
        error_correction=qrcode.constants.ERROR_CORRECT_M,
        box_size=10,
        border=2,
    )
    buffer = io.BytesIO()
    image.save(buffer)
    svg = buffer.getvalue().decode()
    return svg[svg.index("<svg") :]
