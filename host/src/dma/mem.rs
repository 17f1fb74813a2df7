//! DMA memory: an [`Arena`] of host memory the NIC reaches by IOVA, cut
//! into [`DmaRegion`]s (rings, completion queues, packet buffers).
//!
//! * [`Arena::anonymous`]: private memory, 2 MiB huge pages when the
//!   system has them (`MAP_HUGETLB`), else 4 KiB pages; pinned with
//!   `mlock` so a card's DMA never meets a swapped page. On a card it is
//!   then mapped for the device with `VFIO_IOMMU_MAP_DMA` at its IOVA; the
//!   software device ([`crate::dma::soft`]) reads it directly.
//! * [`Arena::shared_file`]: a file mapped shared (on `/dev/shm`): the
//!   simulator maps the same file, and an IOVA is the offset in it.
//!
//! The NIC writes this memory while the driver reads it, so it is only
//! touched through raw pointers (`copy_nonoverlapping`, volatile loads of
//! the completions' phase byte), never through Rust references that the
//! device could change under.

use crate::error::HostError;
use memmap2::{MmapMut, MmapOptions, MmapRaw};
use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

/// Undoes a device mapping of an arena when it is dropped.
type Unmap = Box<dyn FnOnce() + Send>;

/// Huge page size, bytes (x86-64 and arm64 `MAP_HUGETLB` default).
pub const HUGE_PAGE: usize = 2 << 20;

/// What backs an [`Arena`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backing {
    /// 2 MiB huge pages.
    HugePages,
    /// 4 KiB pages (no huge pages configured: `vm.nr_hugepages` is 0).
    SmallPages,
    /// A shared file (the simulator's host memory).
    SharedFile,
}

/// A contiguous block of DMA memory at one IOVA range, handed out in
/// [`DmaRegion`]s by a bump allocator (regions live as long as the
/// driver: nothing is freed before the arena).
pub struct Arena {
    map: MmapRaw,
    iova: u64,
    next: AtomicUsize,
    backing: Backing,
    unmap: Mutex<Option<Unmap>>,
}

impl Drop for Arena {
    /// Runs the unmap hook ([`Arena::on_drop`]) before the memory goes.
    fn drop(&mut self) {
        if let Some(f) = self.unmap.get_mut().ok().and_then(Option::take) {
            f();
        }
    }
}

impl std::fmt::Debug for Arena {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Arena")
            .field("iova", &format_args!("{:#x}", self.iova))
            .field("len", &self.map.len())
            .field("backing", &self.backing)
            .finish()
    }
}

impl Arena {
    /// `len` bytes (rounded up to 2 MiB) of private memory at IOVA
    /// `iova`: huge pages if the system has enough free, else 4 KiB pages.
    /// The memory is locked (`mlock`).
    ///
    /// # Errors
    /// [`HostError::Memlock`] when `RLIMIT_MEMLOCK` is below `len` (the fix:
    /// `ulimit -l`), [`HostError::Io`] when the mapping itself fails.
    pub fn anonymous(len: usize, iova: u64) -> Result<Arc<Arena>, HostError> {
        let len = len.next_multiple_of(HUGE_PAGE);
        let (map, backing) = match MmapOptions::new().len(len).huge(Some(21)).map_anon() {
            Ok(m) => (m, Backing::HugePages),
            Err(_) => (
                MmapMut::map_anon(len)
                    .map_err(|e| HostError::io("anonymous memory", "mapping", e))?,
                Backing::SmallPages,
            ),
        };
        let map = MmapRaw::from(map);
        // SAFETY: the range is this mapping's own.
        if unsafe { libc::mlock(map.as_ptr().cast(), len) } != 0 {
            let e = std::io::Error::last_os_error();
            if matches!(e.raw_os_error(), Some(libc::ENOMEM | libc::EPERM)) {
                return Err(HostError::Memlock {
                    limit: memlock_limit(),
                    need: len as u64,
                });
            }
            return Err(HostError::io("anonymous memory", "locking (mlock)", e));
        }
        Ok(Arc::new(Arena {
            map,
            iova,
            next: AtomicUsize::new(0),
            backing,
            unmap: Mutex::new(None),
        }))
    }

    /// The file `path` (created or grown to `len` bytes) mapped shared:
    /// IOVA = offset in the file, so another process mapping the same
    /// file (the simulator) sees the same bytes at the same IOVAs.
    ///
    /// # Errors
    /// [`HostError::Io`] when the file cannot be opened, sized or mapped.
    pub fn shared_file(path: &Path, len: usize) -> Result<Arc<Arena>, HostError> {
        let f = std::fs::OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(path)
            .map_err(|e| HostError::io(path, "opening the shared memory file", e))?;
        let have = f
            .metadata()
            .map_err(|e| HostError::io(path, "reading the size of", e))?
            .len();
        if have < len as u64 {
            f.set_len(len as u64)
                .map_err(|e| HostError::io(path, "sizing the shared memory file", e))?;
        }
        let map = MmapOptions::new()
            .len(len)
            .map_raw(&f)
            .map_err(|e| HostError::io(path, "mapping the shared memory file", e))?;
        Ok(Arc::new(Arena {
            map,
            iova: 0,
            next: AtomicUsize::new(0),
            backing: Backing::SharedFile,
            unmap: Mutex::new(None),
        }))
    }

    /// Runs `f` when the arena is dropped, before its memory is unmapped
    /// (VFIO: `VFIO_IOMMU_UNMAP_DMA` of its IOVA range). Replaces an
    /// earlier hook.
    pub fn on_drop(&self, f: impl FnOnce() + Send + 'static) {
        if let Ok(mut g) = self.unmap.lock() {
            *g = Some(Box::new(f));
        }
    }

    /// IOVA of the arena's first byte.
    pub fn iova(&self) -> u64 {
        self.iova
    }

    /// Size, bytes.
    pub fn len(&self) -> usize {
        self.map.len()
    }

    /// Always false (an arena has at least one page); for clippy's
    /// `len_without_is_empty`.
    pub fn is_empty(&self) -> bool {
        self.map.len() == 0
    }

    /// What backs it.
    pub fn backing(&self) -> Backing {
        self.backing
    }

    /// Host address of the arena's first byte (for `VFIO_IOMMU_MAP_DMA`).
    pub fn as_ptr(&self) -> *mut u8 {
        self.map.as_mut_ptr()
    }

    /// Bytes handed out so far.
    pub fn used(&self) -> usize {
        self.next.load(Ordering::Relaxed)
    }

    /// The next `len` bytes, aligned to `align` (a power of two: 16 for a
    /// descriptor ring, 32 for a completion queue, 64 for buffers; a
    /// region never shares a cache line with another when `align` >= 64).
    ///
    /// # Errors
    /// [`HostError::Invalid`] when the arena is full (say how much was
    /// asked and how much is left).
    pub fn alloc(self: &Arc<Self>, len: usize, align: usize) -> Result<DmaRegion, HostError> {
        debug_assert!(align.is_power_of_two());
        let mut at = 0;
        self.next
            .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |n| {
                at = n.next_multiple_of(align);
                (at + len <= self.len()).then_some(at + len)
            })
            .map_err(|n| HostError::Invalid {
                what: "DMA memory".into(),
                why: format!(
                    "{len} bytes asked, {} of {} left in the arena",
                    self.len() - n,
                    self.len()
                ),
            })?;
        Ok(DmaRegion {
            arena: Arc::clone(self),
            off: at,
            len,
        })
    }

    /// Host address of `len` bytes at `iova`, if all inside the arena
    /// (the software device's address translation).
    pub fn translate(&self, iova: u64, len: usize) -> Option<*mut u8> {
        let off = usize::try_from(iova.checked_sub(self.iova)?).ok()?;
        // SAFETY: inside the mapping (checked).
        (off.checked_add(len)? <= self.len()).then(|| unsafe { self.as_ptr().add(off) })
    }
}

/// `RLIMIT_MEMLOCK`'s soft limit, bytes (`u64::MAX` when unlimited).
pub fn memlock_limit() -> u64 {
    let mut r = libc::rlimit {
        rlim_cur: 0,
        rlim_max: 0,
    };
    // SAFETY: getrlimit writes the struct it is given.
    if unsafe { libc::getrlimit(libc::RLIMIT_MEMLOCK, &mut r) } != 0 {
        return 0;
    }
    r.rlim_cur
}

/// A piece of an [`Arena`]: `len` bytes at [`DmaRegion::iova`]. Reads and
/// writes are bounds-checked copies through raw pointers.
pub struct DmaRegion {
    arena: Arc<Arena>,
    off: usize,
    len: usize,
}

impl std::fmt::Debug for DmaRegion {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "DmaRegion({:#x}, {} bytes)", self.iova(), self.len)
    }
}

impl DmaRegion {
    /// IOVA of the first byte (what the NIC is given).
    pub fn iova(&self) -> u64 {
        self.arena.iova + self.off as u64
    }

    /// Size, bytes.
    pub fn len(&self) -> usize {
        self.len
    }

    /// True for a region of 0 bytes.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Host address of the first byte.
    #[inline]
    pub fn as_ptr(&self) -> *mut u8 {
        // SAFETY: the region is inside the arena.
        unsafe { self.arena.as_ptr().add(self.off) }
    }

    #[inline]
    fn ptr(&self, at: usize, n: usize) -> *mut u8 {
        assert!(
            at.checked_add(n).is_some_and(|e| e <= self.len),
            "{n} bytes at {at} outside a region of {}",
            self.len
        );
        // SAFETY: inside this region (checked), which is inside the arena.
        unsafe { self.arena.as_ptr().add(self.off + at) }
    }

    /// Copies `src` to byte `at`.
    ///
    /// # Panics
    /// When the bytes are not all inside the region.
    #[inline]
    pub fn write(&self, at: usize, src: &[u8]) {
        let p = self.ptr(at, src.len());
        // SAFETY: `src.len()` bytes at p are this region's; `src` is
        // ordinary memory, so the two do not overlap.
        unsafe { std::ptr::copy_nonoverlapping(src.as_ptr(), p, src.len()) }
    }

    /// Copies bytes from `at` into `dst`.
    ///
    /// # Panics
    /// When the bytes are not all inside the region.
    #[inline]
    pub fn read(&self, at: usize, dst: &mut [u8]) {
        let p = self.ptr(at, dst.len());
        // SAFETY: as `write`.
        unsafe { std::ptr::copy_nonoverlapping(p, dst.as_mut_ptr(), dst.len()) }
    }

    /// The byte at `at`, read with a volatile load (the device may have
    /// just written it: the completions' phase byte).
    ///
    /// # Panics
    /// When `at` is outside the region.
    #[inline]
    pub fn byte_volatile(&self, at: usize) -> u8 {
        // SAFETY: inside the region (checked by ptr).
        unsafe { std::ptr::read_volatile(self.ptr(at, 1)) }
    }

    /// Appends `n` bytes from `at` to `out`.
    ///
    /// # Panics
    /// When the bytes are not all inside the region.
    pub fn extend_into(&self, at: usize, n: usize, out: &mut Vec<u8>) {
        let p = self.ptr(at, n);
        out.reserve(n);
        // SAFETY: n bytes at p are readable (checked); `out` has room for
        // n more, which are initialised by the copy before set_len.
        unsafe {
            std::ptr::copy_nonoverlapping(p, out.as_mut_ptr().add(out.len()), n);
            out.set_len(out.len() + n);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn regions_are_aligned_apart_and_refuse_to_overflow() {
        let a = Arena::anonymous(1 << 20, 0x4000_0000).unwrap();
        assert_eq!(a.len(), HUGE_PAGE);
        let r1 = a.alloc(100, 64).unwrap();
        let r2 = a.alloc(16, 4096).unwrap();
        assert_eq!(r1.iova(), 0x4000_0000);
        assert_eq!(r2.iova(), 0x4000_1000);
        r1.write(96, &[1, 2, 3, 4]);
        let mut b = [0u8; 4];
        r1.read(96, &mut b);
        assert_eq!(b, [1, 2, 3, 4]);
        assert_eq!(
            a.translate(0x4000_0060, 4).map(|p| unsafe { *p.add(1) }),
            Some(2)
        );
        assert_eq!(a.translate(0x3fff_ffff, 1), None);
        assert_eq!(a.translate(0x4000_0000 + HUGE_PAGE as u64 - 1, 2), None);
        let e = a.alloc(HUGE_PAGE, 64).unwrap_err();
        assert!(e.to_string().contains("left in the arena"), "{e}");
    }

    #[test]
    #[should_panic(expected = "outside a region")]
    fn a_region_refuses_bytes_past_its_end() {
        let a = Arena::anonymous(4096, 0).unwrap();
        a.alloc(8, 8).unwrap().write(6, &[0; 4]);
    }

    #[test]
    fn a_shared_file_shows_the_same_bytes_to_two_mappings() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("mem");
        let a = Arena::shared_file(&p, 1 << 16).unwrap();
        let b = Arena::shared_file(&p, 1 << 16).unwrap();
        a.alloc(64, 64).unwrap().write(5, b"ring");
        let r = b.alloc(64, 64).unwrap();
        let mut got = [0u8; 4];
        r.read(5, &mut got);
        assert_eq!(&got, b"ring");
        assert_eq!(r.iova(), 0);
    }
}
