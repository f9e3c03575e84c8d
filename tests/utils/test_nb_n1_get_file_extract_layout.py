"""Where `get_file(..., extract=True)` leaves an archive's contents. tf-keras 2 unpacked beside the archive
and its scripts (the Korean NLP book's IMDB EDA, TensorFlow's text classification tutorial) join
`os.path.dirname(path)` with the archive's top folder; Keras 3 scripts join the returned folder with it.
Both spellings must reach the files."""
import os
import tarfile

from tkeras.utils import file_utils


def _imdb_like_archive(path):
    source = path.parent / "src"
    for split in ("train", "test"):
        (source / "aclImdb" / split / "pos").mkdir(parents=True)
        (source / "aclImdb" / split / "pos" / "1_7.txt").write_text(f"a {split} review")
    with tarfile.open(path, "w:gz") as tar:
        tar.add(source / "aclImdb", arcname="aclImdb")


def test_cached_archive_is_found_both_beside_it_and_in_the_returned_folder(tmp_path, monkeypatch):
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.delenv(file_utils.DATASETS_ENV, raising=False)
    datasets = tmp_path / "home" / ".keras" / "datasets"
    datasets.mkdir(parents=True)
    _imdb_like_archive(datasets / "imdb.tar.gz")
    path = file_utils.get_file(fname="imdb.tar.gz", origin="http://example.invalid/aclImdb_v1.tar.gz",
                               extract=True)
    tf_keras2_spelling = os.path.join(os.path.dirname(path), "aclImdb", "train", "pos", "1_7.txt")
    keras3_spelling = os.path.join(path, "aclImdb", "test", "pos", "1_7.txt")
    assert open(tf_keras2_spelling).read() == "a train review"
    assert open(keras3_spelling).read() == "a test review"


def test_untar_into_the_working_folder_as_the_text_classification_tutorial(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    _imdb_like_archive(tmp_path / "aclImdb_v1.tar.gz")
    for _ in range(2):  # the second call finds the unpacked folder
        dataset = file_utils.get_file("aclImdb_v1", "http://example.invalid/aclImdb_v1.tar.gz", untar=True,
                                      cache_dir=".", cache_subdir="")
        dataset_dir = os.path.join(os.path.dirname(dataset), "aclImdb")
        assert sorted(os.listdir(dataset_dir)) == ["test", "train"]


def test_a_name_already_taken_beside_the_archive_is_left_alone(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    _imdb_like_archive(tmp_path / "aclImdb_v1.tar.gz")
    (tmp_path / "aclImdb").mkdir()
    (tmp_path / "aclImdb" / "mine.txt").write_text("user data")
    dataset = file_utils.get_file("aclImdb_v1", "http://example.invalid/x.tar.gz", untar=True, cache_dir=".",
                                  cache_subdir="")
    assert sorted(os.listdir(tmp_path / "aclImdb")) == ["mine.txt"]
    assert sorted(os.listdir(os.path.join(dataset, "aclImdb"))) == ["test", "train"]


def test_zip_whose_top_folder_has_another_name_as_the_transfer_learning_tutorial(tmp_path, monkeypatch):
    import zipfile
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.delenv(file_utils.DATASETS_ENV, raising=False)
    datasets = tmp_path / "home" / ".keras" / "datasets"
    datasets.mkdir(parents=True)
    with zipfile.ZipFile(datasets / "cats_and_dogs.zip", "w") as archive:
        archive.writestr("cats_and_dogs_filtered/train/cats/cat.1.jpg", b"not really a jpeg")
    path_to_zip = file_utils.get_file("cats_and_dogs.zip", origin="http://example.invalid/x.zip", extract=True)
    train_dir = os.path.join(os.path.dirname(path_to_zip), "cats_and_dogs_filtered", "train")
    assert os.listdir(os.path.join(train_dir, "cats")) == ["cat.1.jpg"]
