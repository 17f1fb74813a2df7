//! Every failure of the host side, each with the path or register it met,
//! the OS error number where there is one, and one concrete fix
//! (DESIGN.md section 7).

use std::io;
use std::path::PathBuf;

/// A member of an IOMMU group and the driver it is bound to.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct GroupMember {
    /// PCI address, `DDDD:BB:DD.F`.
    pub bdf: String,
    /// Bound driver, `None` if unbound.
    pub driver: Option<String>,
}

impl std::fmt::Display for GroupMember {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} ({})",
            self.bdf,
            self.driver.as_deref().unwrap_or("no driver")
        )
    }
}

/// Why a host operation failed. [`HostError::fix`] gives the remedy,
/// [`HostError::exit_code`] the `nicctl` exit status.
#[derive(Debug, thiserror::Error)]
pub enum HostError {
    /// A file or device node could not be used.
    #[error("{path}: {what}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// What was being done ("opening", "mapping BAR0", ...).
        what: &'static str,
        /// The OS error.
        #[source]
        source: io::Error,
    },
    /// No PCI device at that address.
    #[error("no PCI device {bdf}: {path} does not exist")]
    NoDevice {
        /// PCI address.
        bdf: String,
        /// The sysfs directory looked for.
        path: PathBuf,
    },
    /// No serial port at that path.
    #[error("no serial port {path}")]
    NoSerialPort {
        /// The path given after `serial:`.
        path: PathBuf,
    },
    /// The device is not bound to vfio-pci.
    #[error("{bdf} is bound to {}, not vfio-pci", driver.as_deref().unwrap_or("no driver"))]
    NotVfio {
        /// PCI address.
        bdf: String,
        /// The driver it is bound to.
        driver: Option<String>,
    },
    /// The device has no IOMMU group: the IOMMU is off or absent.
    #[error("{bdf} has no IOMMU group: {path} is missing")]
    NoIommuGroup {
        /// PCI address.
        bdf: String,
        /// The missing `iommu_group` link.
        path: PathBuf,
    },
    /// Another device of the IOMMU group is bound to a host driver.
    #[error(
        "IOMMU group {group} is not viable: {} bound to host drivers",
        list(foreign)
    )]
    GroupNotViable {
        /// Group number.
        group: u32,
        /// The members that block it.
        foreign: Vec<GroupMember>,
    },
    /// Permission denied on a file or device node.
    #[error("{path}: permission denied (errno {errno})")]
    Permission {
        /// The file.
        path: PathBuf,
        /// `EACCES` or `EPERM`.
        errno: i32,
    },
    /// The locked-memory limit is too small to map DMA memory.
    #[error("locked-memory limit is {limit} bytes, DMA mapping needs {need}")]
    Memlock {
        /// `RLIMIT_MEMLOCK`, bytes.
        limit: u64,
        /// Bytes needed.
        need: u64,
    },
    /// The simulated card's host memory file is smaller than the queues
    /// need.
    #[error("{device}: the queues need {need} bytes of host memory, {path} has {have}")]
    HostMemory {
        /// Device name.
        device: String,
        /// The memory file.
        path: PathBuf,
        /// Bytes needed.
        need: u64,
        /// Bytes it has.
        have: u64,
    },
    /// BAR0 is smaller than the register map.
    #[error("{path}: BAR0 is {found} bytes, the register map needs {need}")]
    BarSize {
        /// The BAR (resource file or VFIO region).
        path: PathBuf,
        /// Its size, bytes.
        found: u64,
        /// Bytes the map spans.
        need: u64,
    },
    /// A read returned 0xFFFFFFFF and the identity block did too: the
    /// device is gone, or on a board top (`nicgen --board`) the BAR bridge
    /// answered for a core held in reset or without its clock.
    #[error("{device}: register {offset:#06x} and the identity block read all ones: the device is gone or needs a reset, or its core is not running (held in reset, or no Ethernet reference clock: the board top answers BAR reads with all ones then)")]
    AllOnes {
        /// Device name.
        device: String,
        /// Byte address read.
        offset: u32,
    },
    /// A board top whose core does not answer: the identity block reads
    /// all ones while the shell's `board` block (at
    /// [`ferronic_regmap::BOARD_BASE`], answered by the BAR bridge) says
    /// why.
    #[error("{device}: the board shell answers but its core does not: {}; {timeouts} BAR reads timed out", if !*clock_running { "the core's clock is not running (no Ethernet reference clock, or the transceiver is down)" } else if *in_reset { "the core is held in reset (the MAC's transmit reset: its clock is not yet stable)" } else { "the core's state is unknown (board.CORE_STATUS reads running, out of reset)" })]
    CoreDown {
        /// Device name.
        device: String,
        /// `board.CORE_STATUS` bit 0.
        clock_running: bool,
        /// `board.CORE_STATUS` bit 1.
        in_reset: bool,
        /// `board.BAR_TIMEOUTS`.
        timeouts: u32,
    },
    /// Offset outside BAR0 or not 4-byte aligned.
    #[error("{device}: offset {offset:#x} is outside BAR0 ({size} bytes) or not 4-byte aligned")]
    BadOffset {
        /// Device name.
        device: String,
        /// Byte address.
        offset: u32,
        /// BAR0 size, bytes.
        size: u64,
    },
    /// The AXI4-Lite slave answered SLVERR.
    #[error("{device}: {detail}")]
    Slverr {
        /// Device name.
        device: String,
        /// The access and response.
        detail: String,
    },
    /// Offset 0 does not hold ferronic's magic.
    #[error("{device}: not a ferronic device: identity.MAGIC reads {found:#010x}, expected {expected:#010x}")]
    BadMagic {
        /// Device name.
        device: String,
        /// Value read.
        found: u32,
        /// [`ferronic_regmap::MAGIC`].
        expected: u32,
    },
    /// The device's register map has another major version.
    #[error("{device}: register map version {device_version:#010x} has major {}, this tool knows major {} ({tool_version:#010x})", device_version >> 24, tool_version >> 24)]
    MapMajor {
        /// Device name.
        device: String,
        /// `identity.MAP_VERSION` read (major.minor.patch.meta, a byte each).
        device_version: u32,
        /// This tool's map version.
        tool_version: u32,
    },
    /// The register-block chain is broken (loop, out of range, bad header).
    #[error("{device}: register block chain broken at {offset:#06x}: {detail}")]
    Chain {
        /// Device name.
        device: String,
        /// Byte address of the offending header.
        offset: u32,
        /// What was wrong.
        detail: String,
    },
    /// A block this command needs is not on the device.
    #[error("{device}: no `{block}` register block on the device")]
    MissingBlock {
        /// Device name.
        device: String,
        /// Block name.
        block: String,
    },
    /// The simulator socket could not be used.
    #[error("{0}")]
    Link(#[from] ferronic_simlink::LinkError),
    /// The simulated core failed.
    #[error("{device}: simulation failed: {detail}")]
    Sim {
        /// Device name.
        device: String,
        /// What failed.
        detail: String,
    },
    /// A VFIO device node is missing: the modules are not loaded.
    #[error("{path} does not exist")]
    VfioMissing {
        /// `/dev/vfio/vfio` or `/dev/vfio/GROUP`.
        path: PathBuf,
    },
    /// A VFIO ioctl failed.
    #[error("{bdf}: VFIO {op}: {source}")]
    Vfio {
        /// PCI address.
        bdf: String,
        /// The operation.
        op: &'static str,
        /// vfio-ioctls' error.
        #[source]
        source: vfio_ioctls::VfioError,
    },
    /// The device name is none of the accepted forms.
    #[error("bad device name `{name}`: {why}")]
    BadName {
        /// What was given.
        name: String,
        /// Why it is wrong.
        why: String,
    },
    /// No register of that name or offset.
    #[error("no register `{name}`{}", suggestion.as_ref().map(|s| format!(" (did you mean {s}?)")).unwrap_or_default())]
    UnknownRegister {
        /// What was given.
        name: String,
        /// A close name, if any.
        suggestion: Option<String>,
    },
    /// A bad argument value.
    #[error("{what}: {why}")]
    Invalid {
        /// The argument.
        what: String,
        /// Why it is wrong.
        why: String,
    },
    /// A board on a serial line gave no valid answer.
    #[error("{device}: {what}")]
    Serial {
        /// Device name (`serial:PATH@BAUD`).
        device: String,
        /// What went wrong, with the last failure seen.
        what: String,
    },
    /// The backend cannot do this.
    #[error("{device}: {what} is not available on this backend")]
    Unsupported {
        /// Device name.
        device: String,
        /// The operation.
        what: &'static str,
        /// What to do instead.
        fix: &'static str,
    },
    /// A network interface of the device has addresses (bind refuses).
    #[error("{bdf} is the interface {iface}, which has addresses {}", addrs.join(", "))]
    InterfaceInUse {
        /// PCI address.
        bdf: String,
        /// Interface name.
        iface: String,
        /// Its addresses.
        addrs: Vec<String>,
    },
}

fn list(members: &[GroupMember]) -> String {
    members
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join(", ")
}

/// `nicctl` exit statuses (also in the README).
pub mod exit {
    /// Success.
    pub const OK: u8 = 0;
    /// A check failed: `selftest` FAILED, `doctor` found a problem.
    pub const CHECK_FAILED: u8 = 1;
    /// Bad command line: device name, register name, argument value.
    pub const USAGE: u8 = 2;
    /// No such device, or the simulator socket is not there.
    pub const NO_DEVICE: u8 = 3;
    /// Host setup: driver binding, IOMMU, group, permissions, memlock.
    pub const SETUP: u8 = 4;
    /// The device is not what this tool drives: magic, map version, BAR size, chain.
    pub const INCOMPATIBLE: u8 = 5;
    /// The device failed an access: all-ones, SLVERR, I/O error, simulation error.
    pub const ACCESS: u8 = 6;
}

impl HostError {
    /// Wraps an I/O error, turning EACCES/EPERM into [`HostError::Permission`].
    pub fn io(path: impl Into<PathBuf>, what: &'static str, source: io::Error) -> HostError {
        let path = path.into();
        match source.raw_os_error() {
            Some(e) if e == libc::EACCES || e == libc::EPERM => {
                HostError::Permission { path, errno: e }
            }
            _ => HostError::Io { path, what, source },
        }
    }

    /// The OS error number, where the failure has one.
    pub fn errno(&self) -> Option<i32> {
        match self {
            HostError::Io { source, .. } => source.raw_os_error(),
            HostError::Permission { errno, .. } => Some(*errno),
            HostError::NoDevice { .. }
            | HostError::NoIommuGroup { .. }
            | HostError::VfioMissing { .. } => Some(libc::ENOENT),
            HostError::Link(ferronic_simlink::LinkError::Connect { source, .. })
            | HostError::Link(ferronic_simlink::LinkError::Io { source, .. }) => {
                source.raw_os_error()
            }
            _ => None,
        }
    }

    /// One concrete thing to do about it.
    pub fn fix(&self) -> String {
        use HostError::*;
        match self {
            Io { path, source, .. } if source.raw_os_error() == Some(libc::ENODEV) => format!(
                "{} has no such device behind it any more: check `lspci`, then rescan with `echo 1 > /sys/bus/pci/rescan`",
                path.display()
            ),
            Io { path, .. } => format!("check that {} exists and is the right file", path.display()),
            NoDevice { .. } => "list the cards this tool sees with `nicctl list` (or `lspci -d 10ee:`), and use that address".into(),
            NotVfio { bdf, .. } => format!(
                "bind it to vfio-pci: `sudo nicctl bind {bdf}`; on a machine without an IOMMU use `--backend sysfs` as root"
            ),
            NoIommuGroup { .. } => "enable the IOMMU: VT-d/AMD-Vi in the firmware and `intel_iommu=on iommu=pt` (or `amd_iommu=on`) on the kernel command line, then reboot; or use `--backend sysfs` as root".into(),
            GroupNotViable { foreign, .. } => format!(
                "bind every member of the group to vfio-pci (`sudo nicctl bind BDF` for {}), or move the card to a slot with its own IOMMU group (ACS)",
                foreign.iter().map(|m| m.bdf.as_str()).collect::<Vec<_>>().join(", ")
            ),
            Permission { path, .. } => format!(
                "run as root, or give your user access: `sudo chown $USER {}` (or a udev rule for /dev/vfio/*)",
                path.display()
            ),
            HostMemory { need, .. } => format!(
                "restart the simulator with more host memory: `nicsim serve --dma --mem-mib {}` (or `nicsim tap --mem-mib`)",
                need.div_ceil(1 << 20).max(1)
            ),
            Memlock { need, .. } => format!(
                "raise the limit: `ulimit -l {}` (KiB) in this shell, or `memlock` in /etc/security/limits.conf",
                need.div_ceil(1024)
            ),
            BarSize { need, .. } => format!(
                "the bitstream's BAR0 is too small: configure the PCIe IP with a BAR0 of at least {need} bytes (64 KiB, the whole 16-bit AXI4-Lite space, is the default) and rebuild"
            ),
            CoreDown { clock_running: false, .. } => "check the Ethernet reference clock and the SFP/QSFP module (the MAC's transceiver clocks the core), then `nicctl info` again".into(),
            CoreDown { .. } => "wait for the MAC's reset to end (it holds the core until its clock is stable), then `nicctl info` again; if it stays, reload the bitstream".into(),
            NoSerialPort { .. } => "plug the USB serial adapter in and name its port (`ls /dev/ttyUSB* /dev/ttyACM*`; `dmesg` names the one just plugged)".into(),
            Serial { .. } => "check that the baud rate matches the bitstream's (`serial:PATH@BAUD`, 115200 by default), that the adapter's RX is wired to the board's TX and its TX to the board's RX with a common ground, and that the board runs a ferronic bitstream with the UART bridge (`nicgen --board colorlight-5a-75b-v8`)".into(),
            AllOnes { .. } => "the card dropped off the bus or lost its bitstream: reload the bitstream, then `nicctl reset` or `echo 1 > /sys/bus/pci/devices/BDF/remove; echo 1 > /sys/bus/pci/rescan`".into(),
            BadOffset { .. } => "use a 4-byte-aligned offset inside BAR0, or a register name (`nicctl dump` lists them)".into(),
            Slverr { .. } => "the address is not mapped: use a register name from `nicctl dump`".into(),
            BadMagic { .. } => "this is not a ferronic bitstream (or BAR0 is not the register BAR): check the device with `nicctl list` and the loaded bitstream".into(),
            MapMajor { .. } => "use the nicctl built from the same ferronic version as the bitstream (`nicctl info` on the device shows its git hash)".into(),
            Chain { .. } => "the register map is corrupt or the card needs a reset: `nicctl reset`, then reload the bitstream".into(),
            MissingBlock { block, .. } if ["dma", "rxq", "txq", "cq"].contains(&block.as_str()) => "the datapath commands need the DMA engine: load a bitstream of the `nic` top (`nicgen` writes nic.v), or start the simulator as `nicsim serve --dma --socket PATH`".into(),
            MissingBlock { block, .. } if ["rss", "handshake"].contains(&block.as_str()) => format!("this bitstream was generated without it (`nicctl info` shows its capabilities): regenerate with `nicgen --set {block}=true`"),
            MissingBlock { block, .. } if block == "board" => "the `board` block (the shell's FIFO and BAR counters) is in board tops only: a bitstream from `nicgen --board`".into(),
            MissingBlock { .. } => "this bitstream was built without that block: rebuild with a newer ferronic".into(),
            Link(ferronic_simlink::LinkError::Connect { path, .. }) => format!(
                "start the simulated NIC first: `cargo run --release -p ferronic-sim --bin nicsim -- serve --socket {}`",
                path.display()
            ),
            Link(_) => "restart `nicsim serve` and try again".into(),
            Sim { .. } => "restart `nicsim serve`; if it happens again, report the command that triggered it".into(),
            VfioMissing { .. } => "load the VFIO modules (`sudo modprobe vfio-pci`) and bind the card (`sudo nicctl bind BDF`)".into(),
            Vfio { op, .. } if *op == "opening the container" => "load the VFIO modules: `sudo modprobe vfio-pci`; check `nicctl doctor`".into(),
            Vfio { op, .. } if *op == "mapping DMA memory" => "the IOMMU refused the mapping: run `nicctl doctor` (locked-memory limit, IOMMU), make sure no other process drives the card, and look in `dmesg` for DMAR or AMD-Vi errors".into(),
            Vfio { .. } => "run `nicctl doctor` for the host setup; the group must have every member bound to vfio-pci".into(),
            BadName { .. } => "name a device as a full or short PCI address (0000:01:00.0, 01:00.0), a sysfs path, `sim:` (in-process model), `sim:PATH` (a `nicsim serve` socket) or `serial:PATH[@BAUD]` (a board's UART bridge)".into(),
            UnknownRegister { .. } => "`nicctl dump` lists every register as block.NAME".into(),
            Invalid { .. } => "see `nicctl help` for the accepted values".into(),
            Unsupported { fix, .. } => (*fix).into(),
            InterfaceInUse { iface, .. } => format!(
                "take the interface down first (`sudo ip addr flush dev {iface}`), or pass --force"
            ),
        }
    }

    /// The `nicctl` exit status for this error (see [`exit`]).
    pub fn exit_code(&self) -> u8 {
        use HostError::*;
        match self {
            BadName { .. } | UnknownRegister { .. } | Invalid { .. } => exit::USAGE,
            NoDevice { .. }
            | NoSerialPort { .. }
            | Link(ferronic_simlink::LinkError::Connect { .. }) => exit::NO_DEVICE,
            NotVfio { .. }
            | NoIommuGroup { .. }
            | GroupNotViable { .. }
            | Permission { .. }
            | Memlock { .. }
            | HostMemory { .. }
            | Vfio { .. }
            | VfioMissing { .. }
            | InterfaceInUse { .. }
            | Unsupported { .. } => exit::SETUP,
            BadMagic { .. }
            | MapMajor { .. }
            | BarSize { .. }
            | Chain { .. }
            | MissingBlock { .. } => exit::INCOMPATIBLE,
            Io { .. }
            | AllOnes { .. }
            | CoreDown { .. }
            | BadOffset { .. }
            | Slverr { .. }
            | Link(_)
            | Serial { .. }
            | Sim { .. } => exit::ACCESS,
        }
    }
}
