"""Product pictures drawn at seed time: the catalogue ships no third-party assets."""

import io

from PIL import Image, ImageDraw

SIZE = 480


def _shade(colour: tuple[int, int, int], factor: float) -> tuple[int, int, int]:
    red, green, blue = (min(255, int(channel * factor)) for channel in colour)
    return red, green, blue


def draw_product_png(shape: str, colour: tuple[int, int, int]) -> bytes:
    """A flat illustration of `shape` on a light background, as PNG bytes."""
    image = Image.new("RGB", (SIZE, SIZE), (245, 246, 248))
    draw = ImageDraw.Draw(image)
    main, dark = colour, _shade(colour, 0.6)
    centre = SIZE // 2
    draw.ellipse((40, 40, SIZE - 40, SIZE - 40), fill=_shade(colour, 1.9))
    if shape == "laptop":
        draw.rounded_rectangle((110, 130, 370, 300), radius=12, fill=dark)
        draw.rectangle((125, 145, 355, 285), fill=main)
        draw.polygon([(80, 310), (400, 310), (430, 350), (50, 350)], fill=dark)
    elif shape == "headphones":
        draw.arc((120, 100, 360, 340), start=180, end=360, fill=dark, width=24)
        draw.rounded_rectangle((100, 220, 170, 340), radius=20, fill=main)
        draw.rounded_rectangle((310, 220, 380, 340), radius=20, fill=main)
    elif shape == "tablet":
        draw.rounded_rectangle((140, 90, 340, 390), radius=24, fill=dark)
        draw.rectangle((155, 110, 325, 370), fill=main)
    elif shape == "watch":
        draw.rectangle((200, 70, 280, 410), fill=dark)
        draw.ellipse((150, 150, 330, 330), fill=main, outline=dark, width=14)
        draw.line((centre, centre, centre, 185), fill=dark, width=8)
        draw.line((centre, centre, 290, centre), fill=dark, width=6)
    elif shape == "console":
        draw.rounded_rectangle((90, 170, 390, 320), radius=60, fill=main)
        draw.ellipse((130, 215, 190, 275), fill=dark)
        draw.ellipse((300, 200, 330, 230), fill=dark)
        draw.ellipse((320, 250, 350, 280), fill=dark)
    elif shape == "chair":
        draw.rounded_rectangle((170, 90, 310, 250), radius=30, fill=main)
        draw.rounded_rectangle((150, 255, 330, 300), radius=18, fill=dark)
        draw.rectangle((230, 300, 250, 370), fill=dark)
        draw.line((160, 390, 320, 390), fill=dark, width=14)
    elif shape == "lamp":
        draw.polygon([(170, 110), (310, 110), (350, 210), (130, 210)], fill=main)
        draw.rectangle((230, 210, 250, 360), fill=dark)
        draw.rounded_rectangle((170, 360, 310, 390), radius=10, fill=dark)
    else:
        draw.rounded_rectangle((160, 110, 320, 370), radius=40, fill=main)
        draw.ellipse((195, 160, 285, 250), fill=dark)
        draw.ellipse((215, 280, 265, 330), fill=dark)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()
