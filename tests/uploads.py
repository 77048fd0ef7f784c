"""Files for upload tests, built in the test: a phone photo with its location, a PNG, a PDF."""

from io import BytesIO

from PIL import ExifTags, Image

# Where the photo was taken: a flat in Aktobe, which must never reach the server's disk.
GPS = {
    ExifTags.GPS.GPSLatitudeRef: "N",
    ExifTags.GPS.GPSLatitude: (50.0, 17.0, 1.5),
    ExifTags.GPS.GPSLongitudeRef: "E",
    ExifTags.GPS.GPSLongitude: (57.0, 10.0, 2.5),
}
XMP = (
    b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf'
    b'-syntax-ns#"><rdf:Description xmlns:tiff="http://ns.adobe.com/tiff/1.0/" '
    b'tiff:Model="Secret Phone 12"/></rdf:RDF></x:xmpmeta>'
)


def photo_with_location(*, size: tuple[int, int] = (40, 20), orientation: int = 6) -> bytes:
    """A JPEG as a phone saves it: sideways pixels, an orientation tag, GPS, make and model.

    The left half is red, the right half blue, so a test can tell which way up it ended.
    """
    image = Image.new("RGB", size, "red")
    image.paste("blue", (size[0] // 2, 0, size[0], size[1]))
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "PhoneMaker"
    exif[ExifTags.Base.Model] = "Secret Phone 12"
    exif[ExifTags.Base.Orientation] = orientation
    exif[ExifTags.IFD.GPSInfo] = GPS
    out = BytesIO()
    image.save(out, format="JPEG", exif=exif, xmp=XMP, comment=b"taken at home")
    return out.getvalue()


def png_with_text() -> bytes:
    from PIL import PngImagePlugin

    info = PngImagePlugin.PngInfo()
    info.add_text("Author", "Secret Author")
    info.add_text("Location", "Secret Street 1, Aktobe")
    out = BytesIO()
    Image.new("RGBA", (12, 8), (0, 128, 0, 200)).save(out, format="PNG", pnginfo=info)
    return out.getvalue()


PDF = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"
