"""torchvision's ImageNet preprocessing of images, the reference for Layer Lens's shorterSideCenterCrop.

Usage: python3 torchvisionReference.py IMAGE OUT RESIZE CROP [IMAGE OUT RESIZE CROP ...]
For each image writes Compose([Resize(RESIZE), CenterCrop(CROP), ToTensor(), Normalize(ImageNet mean, std)])
of the image (opened with PIL, converted to RGB) to OUT as raw little-endian float32 in CHW order.
Prints torchvision's and Pillow's versions.
"""
import sys

import PIL
from PIL import Image
import torchvision
from torchvision import transforms

args = sys.argv[1:]
for i in range(0, len(args), 4):
    image_path, out_path, resize, crop = args[i], args[i + 1], int(args[i + 2]), int(args[i + 3])
    pipeline = transforms.Compose([
        transforms.Resize(resize),
        transforms.CenterCrop(crop),
        transforms.ToTensor(),
        transforms.Normalize(mean=[0.485, 0.456, 0.406], std=[0.229, 0.224, 0.225]),
    ])
    tensor = pipeline(Image.open(image_path).convert("RGB"))
    with open(out_path, "wb") as f:
        f.write(tensor.contiguous().numpy().astype("<f4").tobytes())
print(f"torchvision {torchvision.__version__}, Pillow {PIL.__version__}")
