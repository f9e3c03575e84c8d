"""Find a data file on disk before fetching it: `get_file` and the dataset search path.

Machines that train models are often offline or behind a proxy, and many already hold Keras'
downloads in `~/.keras/datasets`. So a file is looked up, in order:

1. at the explicit path the caller gave (absolute, or relative to the working directory);
2. in every folder of `$TKERAS_DATASETS` (separated by `os.pathsep`);
3. in `~/.tkeras/datasets`, then in `~/.keras/datasets` (Keras' own cache);

and only then downloaded from its canonical URL into `~/.tkeras/datasets`, with its hash checked.
Files found in the local folders are trusted as they are: they were put there by the user, and
rebuilt copies of Keras' data are not byte-identical to Google's. A download is checked before it
is moved into place, so a failed or tampered transfer never lands in the cache.

Pure Python: importing this module does not import torch.
"""
import hashlib
import os
import shutil
import tarfile
import tempfile
import urllib.error
import urllib.request
import zipfile

DATASETS_ENV = "TKERAS_DATASETS"


def tkeras_home():
    return os.path.join(os.path.expanduser("~"), ".tkeras")


def search_folders(cache_subdir="datasets"):
    """The folders looked in, in order, for a file of `cache_subdir` ('datasets' or below it)."""
    subdir = os.path.normpath(cache_subdir) if cache_subdir else ""
    folders = []
    parts = subdir.split(os.sep)
    if parts and parts[0] == "datasets":
        below = os.path.join(*parts[1:]) if len(parts) > 1 else ""
        for folder in os.environ.get(DATASETS_ENV, "").split(os.pathsep):
            if folder.strip():
                folders.append(os.path.join(os.path.expanduser(folder.strip()), below))
    folders.append(os.path.join(tkeras_home(), subdir))
    folders.append(os.path.join(os.path.expanduser("~"), ".keras", subdir))
    return [os.path.normpath(f) for f in folders]


def find_local(fname, cache_subdir="datasets", want_dir=False):
    """The first existing `fname` in `search_folders(cache_subdir)`, or None."""
    check = os.path.isdir if want_dir else os.path.isfile
    for folder in search_folders(cache_subdir):
        candidate = os.path.join(folder, fname)
        if check(candidate):
            return candidate
    return None


def resolve_hash_algorithm(file_hash, hash_algorithm="auto"):
    if hash_algorithm in ("sha256", "md5"):
        return hash_algorithm
    if hash_algorithm != "auto":
        raise ValueError(f"hash_algorithm must be 'auto', 'sha256' or 'md5', received {hash_algorithm!r}")
    return "sha256" if len(file_hash) == 64 else "md5"


def file_digest(path, algorithm="sha256", chunk_size=1 << 20):
    digest = hashlib.sha256() if algorithm == "sha256" else hashlib.md5()
    with open(path, "rb") as stream:
        for chunk in iter(lambda: stream.read(chunk_size), b""):
            digest.update(chunk)
    return digest.hexdigest()


def validate_file(fpath, file_hash, algorithm="auto", chunk_size=1 << 20):
    """True when the file at `fpath` has the given sha256 (64 hex digits) or md5 (32) digest."""
    algorithm = resolve_hash_algorithm(file_hash, algorithm)
    return file_digest(fpath, algorithm, chunk_size) == str(file_hash).lower()


class DataFileNotFoundError(FileNotFoundError):
    """Raised when a data file is neither on disk nor downloadable; the message says where to put it."""


def get_file(fname=None, origin=None, untar=False, md5_hash=None, file_hash=None,
             cache_subdir="datasets", hash_algorithm="auto", extract=False, archive_format="auto",
             cache_dir=None, force_download=False):
    """Path of `fname`: found locally (see the module docstring) or downloaded from `origin`.

    Keras' signature. `cache_dir` replaces the default download folder `~/.tkeras` (and is searched
    first). With `extract`/`untar`, a tar or zip archive is unpacked next to itself and the folder
    is returned; its top-level entries are also reachable beside the archive, where tf-keras 2 put them.
    """
    if origin is None and fname is None:
        raise ValueError("get_file: give at least `fname` or `origin`")
    if fname is None:
        fname = os.path.basename(urllib.request.urlparse(origin).path)
    fname = os.fspath(fname)
    if md5_hash is not None and file_hash is None:
        file_hash, hash_algorithm = md5_hash, "md5"
    if untar:
        extract = True
        archive_name = fname if fname.endswith((".tar.gz", ".tgz", ".tar")) else fname + ".tar.gz"
    else:
        archive_name = fname

    if not force_download:
        found = _find_existing(fname, archive_name, cache_subdir, cache_dir, extract)
        if found is not None:
            return _extracted(found, archive_format) if extract and os.path.isfile(found) else found

    target_folder = os.path.join(cache_dir if cache_dir else tkeras_home(), cache_subdir or "")
    target = archive_name if os.path.isabs(archive_name) else os.path.join(target_folder, archive_name)
    if origin is None:
        raise DataFileNotFoundError(_not_found_message(archive_name, cache_subdir, cache_dir, None, None))
    try:
        download(origin, target, file_hash=file_hash, hash_algorithm=hash_algorithm)
    except (urllib.error.URLError, OSError) as error:
        raise DataFileNotFoundError(
            _not_found_message(archive_name, cache_subdir, cache_dir, origin, error)) from error
    return _extracted(target, archive_format) if extract else target


def _find_existing(fname, archive_name, cache_subdir, cache_dir, extract):
    explicit = [fname, archive_name] if os.path.isabs(fname) or os.path.dirname(fname) else []
    for candidate in explicit:
        if os.path.exists(candidate):
            return candidate
    names = [os.path.basename(fname)]
    if extract:  # an already-unpacked folder first, then the archive
        names = [os.path.basename(fname), os.path.basename(archive_name)]
    folders = ([os.path.join(cache_dir, cache_subdir or "")] if cache_dir else []) + search_folders(cache_subdir)
    for folder in folders:
        for name in names:
            candidate = os.path.join(folder, name)
            if os.path.isfile(candidate) or (extract and os.path.isdir(candidate)):
                return candidate
    return None


def _not_found_message(fname, cache_subdir, cache_dir, origin, error):
    folders = ([os.path.join(cache_dir, cache_subdir or "")] if cache_dir else []) + search_folders(cache_subdir)
    looked = "\n  ".join(folders)
    reason = f"downloading it from {origin} failed ({error})" if origin else "no download URL is known"
    return (f"Data file {os.path.basename(fname)!r} was not found and {reason}.\n"
            f"Looked in:\n  {looked}\n"
            f"Put {os.path.basename(fname)!r} in one of these folders (e.g. {folders[0]}), or point "
            f"${DATASETS_ENV} at a folder that holds it.")


def download(origin, target, file_hash=None, hash_algorithm="auto"):
    """Fetch `origin` to a temporary file beside `target`, check its hash, then move it into place."""
    folder = os.path.dirname(os.path.abspath(target))
    os.makedirs(folder, exist_ok=True)
    handle, partial = tempfile.mkstemp(prefix=".partial-", dir=folder)
    os.close(handle)
    try:
        with urllib.request.urlopen(origin, timeout=60) as response, open(partial, "wb") as out:
            shutil.copyfileobj(response, out, length=1 << 20)
        if file_hash is not None and not validate_file(partial, file_hash, hash_algorithm):
            algorithm = resolve_hash_algorithm(file_hash, hash_algorithm)
            raise OSError(
                f"the downloaded file's {algorithm} is {file_digest(partial, algorithm)}, expected "
                f"{file_hash}: the download is corrupt or not the expected file")
        os.replace(partial, target)
    finally:
        if os.path.exists(partial):
            os.remove(partial)
    return target


def _extracted(archive, archive_format="auto"):
    """Unpack `archive` into the folder beside it (once) and return the folder it made."""
    base = archive
    for suffix in (".tar.gz", ".tgz", ".tar.bz2", ".tar", ".zip"):
        if base.endswith(suffix):
            base = base[: -len(suffix)]
            break
    marker = base if base != archive else archive + "_extracted"
    if os.path.isdir(marker):
        return marker
    parent = os.path.dirname(archive)
    staging = tempfile.mkdtemp(prefix=".extract-", dir=parent)
    try:
        if archive_format in ("auto", "tar") and tarfile.is_tarfile(archive):
            with tarfile.open(archive) as tar:
                try:
                    tar.extractall(staging, filter="data")  # refuses absolute paths and links out
                except TypeError:  # Python without extraction filters
                    _check_tar_members(tar, staging)
                    tar.extractall(staging)
        elif archive_format in ("auto", "zip") and zipfile.is_zipfile(archive):
            with zipfile.ZipFile(archive) as archive_file:
                archive_file.extractall(staging)  # zipfile strips '..' and absolute parts itself
        else:
            raise ValueError(f"get_file: {archive!r} is not a {archive_format} archive that can be extracted")
        entries = os.listdir(staging)
        # An archive holding one top folder of the expected name unpacks to that folder.
        if len(entries) == 1 and os.path.join(parent, entries[0]) == marker:
            os.replace(os.path.join(staging, entries[0]), marker)
        else:
            os.replace(staging, marker)
            _link_beside_archive(marker, parent)
    finally:
        if os.path.isdir(staging):
            shutil.rmtree(staging)
    return marker


def _link_beside_archive(folder, parent):
    """tf-keras 2 unpacked an archive into the folder holding it, and its scripts look for the contents
    there (`os.path.join(os.path.dirname(path), 'aclImdb')`, the TensorFlow text classification tutorial);
    Keras 3 unpacks into a folder of its own and returns that. The contents stay in `folder`, and each of
    its top-level entries gets a relative link beside the archive where that name is free, so scripts of
    either kind find them."""
    for entry in os.listdir(folder):
        link = os.path.join(parent, entry)
        if os.path.lexists(link):
            continue
        try:
            os.symlink(os.path.join(os.path.basename(folder), entry), link)
        except OSError:  # a file system without links: the returned folder still holds everything
            pass


def _check_tar_members(tar, destination):
    root = os.path.realpath(destination)
    for member in tar.getmembers():
        path = os.path.realpath(os.path.join(destination, member.name))
        if not path.startswith(root + os.sep) or member.issym() or member.islnk():
            raise ValueError(f"get_file: refusing to extract {member.name!r}, which points outside the archive folder")
