//! `UartBridge`: the register map over a serial line. It receives the
//! requests of `ferronic_regmap::uart` (the protocol, its framing and its
//! recovery are documented there) on `rxd`, does them as an AXI4-Lite
//! master on `m_axil_*`, and answers on `txd`.
//!
//! * A request is received whole (write data into a 16-word RAM) and its
//!   CRC checked before any access is made; a bad CRC, a bad op, a UART
//!   framing error or [`IDLE_BITS`] bit times of silence inside a request
//!   drops it (`bad_frame` high for one clock) and the receiver waits for
//!   the next start byte.
//! * Accesses are one at a time: AW and W (or AR) raised together from
//!   flip-flops, each held until its `ready`; `bready` (`rready`) high
//!   until the response. Read data goes to the RAM; the response is sent
//!   from it after the last word.
//! * A write request with the sequence number of the request just done,
//!   which was a write, is answered from the status kept, not done again.
//! * Bytes that arrive while a request is done or answered are ignored
//!   (the host waits for the answer).
//!
//! Every output is a flip-flop or a decode of the state register.

use super::crc16::Crc16Serial;
use super::rx::UartRx;
use super::tx::UartTx;
use ferronic_regmap::uart::{IDLE_BITS, REQ_SOF, RESP_SOF};
use rust_hdl::prelude::*;

// hdl_gen writes Rust constants as names: update() spells these as literals
const _: () = assert!(REQ_SOF == 0xa5 && RESP_SOF == 0x5a);

// BrState values (hdl_gen writes Rust constants as names, and rust-hdl's
// LogicState enums leave unused localparams that fail the lint):
// 0 Hunt, 1 Op, 2 Seq, 3 AddrLo, 4 AddrHi, 5 Data, 6 CrcHi, 7 CrcLo, 8 Check, 9 Axi, 10 AxiWait, 11 Send, 12 SendWait

// TxPhase values (hdl_gen writes Rust constants as names, and rust-hdl's
// LogicState enums leave unused localparams that fail the lint):
// 0 Head, 1 Words, 2 Status, 3 CrcHi, 4 CrcLo, 5 Done

/// UART to AXI4-Lite bridge; see the module documentation.
#[derive(LogicBlock, Default)]
pub struct UartBridge {
    pub clock: Signal<In, Clock>,
    pub rst: Signal<In, Bit>,
    /// Serial input (from the host's TX), asynchronous.
    pub rxd: Signal<In, Bit>,
    /// Serial output (to the host's RX).
    pub txd: Signal<Out, Bit>,
    pub m_axil_awaddr: Signal<Out, Bits<16>>,
    pub m_axil_awprot: Signal<Out, Bits<3>>,
    pub m_axil_awvalid: Signal<Out, Bit>,
    pub m_axil_awready: Signal<In, Bit>,
    pub m_axil_wdata: Signal<Out, Bits<32>>,
    pub m_axil_wstrb: Signal<Out, Bits<4>>,
    pub m_axil_wvalid: Signal<Out, Bit>,
    pub m_axil_wready: Signal<In, Bit>,
    pub m_axil_bresp: Signal<In, Bits<2>>,
    pub m_axil_bvalid: Signal<In, Bit>,
    pub m_axil_bready: Signal<Out, Bit>,
    pub m_axil_araddr: Signal<Out, Bits<16>>,
    pub m_axil_arprot: Signal<Out, Bits<3>>,
    pub m_axil_arvalid: Signal<Out, Bit>,
    pub m_axil_arready: Signal<In, Bit>,
    pub m_axil_rdata: Signal<In, Bits<32>>,
    pub m_axil_rresp: Signal<In, Bits<2>>,
    pub m_axil_rvalid: Signal<In, Bit>,
    pub m_axil_rready: Signal<Out, Bit>,
    /// One clock per request dropped (CRC, op, framing error, silence).
    pub bad_frame: Signal<Out, Bit>,
    /// One clock per request answered.
    pub done: Signal<Out, Bit>,
    urx: UartRx,
    utx: UartTx,
    crc_rx: Crc16Serial,
    crc_tx: Crc16Serial,
    ram: RAM<Bits<32>, 4>,
    state: DFF<Bits<4>>,
    phase: DFF<Bits<3>>,
    op: DFF<Bits<8>>,
    seq: DFF<Bits<8>>,
    addr: DFF<Bits<16>>,
    /// Address of the access in progress.
    cur: DFF<Bits<16>>,
    widx: DFF<Bits<5>>,
    bidx: DFF<Bits<2>>,
    wbuf: DFF<Bits<32>>,
    status: DFF<Bits<8>>,
    last_seq: DFF<Bits<8>>,
    last_write: DFF<Bit>,
    last_status: DFF<Bits<8>>,
    awvalid_q: DFF<Bit>,
    wvalid_q: DFF<Bit>,
    arvalid_q: DFF<Bit>,
    bad_q: DFF<Bit>,
    done_q: DFF<Bit>,
    is_write: Signal<Local, Bit>,
    last_word: Signal<Local, Bit>,
    tx_byte: Signal<Local, Bits<8>>,
}

impl UartBridge {
    /// A bridge of `clocks_per_bit` clocks a bit (clock frequency / baud
    /// rate, 4 to 65,536).
    ///
    /// # Panics
    /// When `clocks_per_bit` is out of that range.
    pub fn new(clocks_per_bit: u32) -> Self {
        UartBridge {
            urx: UartRx::new(clocks_per_bit, IDLE_BITS),
            utx: UartTx::new(clocks_per_bit),
            ..Default::default()
        }
    }
}

impl Logic for UartBridge {
    #[hdl_gen]
    fn update(&mut self) {
        dff_setup!(
            self,
            clock,
            state,
            phase,
            op,
            seq,
            addr,
            cur,
            widx,
            bidx,
            wbuf,
            status,
            last_seq,
            last_write,
            last_status,
            awvalid_q,
            wvalid_q,
            arvalid_q,
            bad_q,
            done_q
        );
        clock!(self, clock, urx, utx, crc_rx, crc_tx);
        self.ram.read_clock.next = self.clock.val();
        self.ram.write_clock.next = self.clock.val();
        self.urx.rst.next = self.rst.val();
        self.utx.rst.next = self.rst.val();
        self.urx.rxd.next = self.rxd.val();
        self.txd.next = self.utx.txd.val();
        self.is_write.next = self.op.q.val().get_bit(7);
        self.last_word.next =
            self.widx.q.val().get_bits::<4>(0) == self.op.q.val().get_bits::<4>(0);
        // --- receive side: CRC of every byte after the start byte
        self.crc_rx.init.next = self.state.q.val() == 0_u64; // Hunt
        self.crc_rx.din.next = self.urx.data.val();
        self.crc_rx.feed.next = false;
        self.crc_tx.init.next = self.state.q.val() == 8_u64; // Check
        self.ram.write_enable.next = false;
        self.ram.write_address.next = self.widx.q.val().get_bits::<4>(0);
        self.ram.write_data.next = self.m_axil_rdata.val();
        self.ram.read_address.next = self.widx.q.val().get_bits::<4>(0);
        self.bad_q.d.next = false;
        self.done_q.d.next = false;
        self.utx.start.next = false;
        self.crc_tx.feed.next = false;
        // --- the byte to send
        if self.phase.q.val() == 0_u64 {
            // Head
            if self.bidx.q.val() == 0_u64 {
                self.tx_byte.next = 0x5a_u64.into();
            } else if self.bidx.q.val() == 1_u64 {
                self.tx_byte.next = self.op.q.val();
            } else {
                self.tx_byte.next = self.seq.q.val();
            }
        } else if self.phase.q.val() == 1_u64 {
            // Words
            if self.bidx.q.val() == 0_u64 {
                self.tx_byte.next = self.ram.read_data.val().get_bits::<8>(0);
            } else if self.bidx.q.val() == 1_u64 {
                self.tx_byte.next = self.ram.read_data.val().get_bits::<8>(8);
            } else if self.bidx.q.val() == 2_u64 {
                self.tx_byte.next = self.ram.read_data.val().get_bits::<8>(16);
            } else {
                self.tx_byte.next = self.ram.read_data.val().get_bits::<8>(24);
            }
        } else if self.phase.q.val() == 2_u64 {
            // Status
            self.tx_byte.next = self.status.q.val();
        } else if self.phase.q.val() == 3_u64 {
            // CrcHi
            self.tx_byte.next = self.crc_tx.crc.val().get_bits::<8>(8);
        } else {
            self.tx_byte.next = self.crc_tx.crc.val().get_bits::<8>(0);
        }
        self.utx.data.next = self.tx_byte.val();
        self.crc_tx.din.next = self.tx_byte.val();
        // --- the request, byte by byte
        if self.state.q.val() == 0_u64 {
            // Hunt
            if self.urx.valid.val() & (self.urx.data.val() == 0xa5_u64) {
                self.state.d.next = 1_u64.into(); // Op
            }
        } else if self.state.q.val() == 1_u64 {
            // Op
            if self.urx.valid.val() {
                self.op.d.next = self.urx.data.val();
                self.crc_rx.feed.next = true;
                self.state.d.next = 2_u64.into(); // Seq
            }
        } else if self.state.q.val() == 2_u64 {
            // Seq
            if self.urx.valid.val() {
                self.seq.d.next = self.urx.data.val();
                self.crc_rx.feed.next = true;
                self.state.d.next = 3_u64.into(); // AddrLo
            }
        } else if self.state.q.val() == 3_u64 {
            // AddrLo
            if self.urx.valid.val() {
                self.addr.d.next = bit_cast::<16, 8>(self.urx.data.val());
                self.crc_rx.feed.next = true;
                self.state.d.next = 4_u64.into(); // AddrHi
            }
        } else if self.state.q.val() == 4_u64 {
            // AddrHi
            if self.urx.valid.val() {
                self.addr.d.next =
                    self.addr.q.val() | (bit_cast::<16, 8>(self.urx.data.val()) << 8_u64);
                self.crc_rx.feed.next = true;
                self.widx.d.next = 0_u64.into();
                self.bidx.d.next = 0_u64.into();
                if self.is_write.val() {
                    self.state.d.next = 5_u64.into(); // Data
                } else {
                    self.state.d.next = 6_u64.into(); // CrcHi
                }
            }
        } else if self.state.q.val() == 5_u64 {
            // Data
            if self.urx.valid.val() {
                self.wbuf.d.next = (self.wbuf.q.val() >> 8_u64)
                    | (bit_cast::<32, 8>(self.urx.data.val()) << 24_u64);
                self.crc_rx.feed.next = true;
                self.bidx.d.next = self.bidx.q.val() + 1_u64;
                if self.bidx.q.val() == 3_u64 {
                    self.ram.write_enable.next = true;
                    self.ram.write_data.next = (self.wbuf.q.val() >> 8_u64)
                        | (bit_cast::<32, 8>(self.urx.data.val()) << 24_u64);
                    self.widx.d.next = self.widx.q.val() + 1_u64;
                    if self.last_word.val() {
                        self.state.d.next = 6_u64.into(); // CrcHi
                    }
                }
            }
        } else if self.state.q.val() == 6_u64 {
            // CrcHi
            if self.urx.valid.val() {
                self.crc_rx.feed.next = true;
                self.state.d.next = 7_u64.into(); // CrcLo
            }
        } else if self.state.q.val() == 7_u64 {
            // CrcLo
            if self.urx.valid.val() {
                self.crc_rx.feed.next = true;
                self.state.d.next = 8_u64.into(); // Check
            }
        } else if self.state.q.val() == 8_u64 {
            // Check
            self.widx.d.next = 0_u64.into();
            self.bidx.d.next = 0_u64.into();
            self.cur.d.next = self.addr.q.val();
            self.status.d.next = 0_u64.into();
            self.phase.d.next = 0_u64.into(); // Head
            if !self.crc_rx.busy.val() {
                if (self.crc_rx.crc.val() != 0_u64)
                    | (self.op.q.val().get_bits::<2>(6) == 0_u64)
                    | (self.op.q.val().get_bits::<2>(6) == 3_u64)
                    | (self.op.q.val().get_bits::<2>(4) != 0_u64)
                {
                    self.bad_q.d.next = true;
                    self.state.d.next = 0_u64.into(); // Hunt
                } else if self.is_write.val()
                    & self.last_write.q.val()
                    & (self.seq.q.val() == self.last_seq.q.val())
                {
                    self.status.d.next = self.last_status.q.val() | 0x80_u64;
                    self.state.d.next = 11_u64.into(); // Send
                } else {
                    self.state.d.next = 9_u64.into(); // Axi
                }
            }
        } else if self.state.q.val() == 9_u64 {
            // Axi
            // the RAM's read data (a write's word) is valid from the
            // next clock, with the valids
            self.awvalid_q.d.next = self.is_write.val();
            self.wvalid_q.d.next = self.is_write.val();
            self.arvalid_q.d.next = !self.is_write.val();
            self.state.d.next = 10_u64.into(); // AxiWait
        } else if self.state.q.val() == 10_u64 {
            // AxiWait
            if self.m_axil_awready.val() {
                self.awvalid_q.d.next = false;
            }
            if self.m_axil_wready.val() {
                self.wvalid_q.d.next = false;
            }
            if self.m_axil_arready.val() {
                self.arvalid_q.d.next = false;
            }
            if (self.is_write.val() & self.m_axil_bvalid.val())
                | (!self.is_write.val() & self.m_axil_rvalid.val())
            {
                if !self.is_write.val() {
                    self.ram.write_enable.next = true;
                    if self.m_axil_rresp.val() != 0_u64 {
                        self.ram.write_data.next = 0_u64.into();
                    }
                }
                // the first word answered other than OKAY
                if self.status.q.val().get_bits::<2>(0) == 0_u64 {
                    if self.is_write.val() & (self.m_axil_bresp.val() != 0_u64) {
                        self.status.d.next = (bit_cast::<8, 4>(self.widx.q.val().get_bits::<4>(0))
                            << 2_u64)
                            | bit_cast::<8, 2>(self.m_axil_bresp.val());
                    }
                    if !self.is_write.val() & (self.m_axil_rresp.val() != 0_u64) {
                        self.status.d.next = (bit_cast::<8, 4>(self.widx.q.val().get_bits::<4>(0))
                            << 2_u64)
                            | bit_cast::<8, 2>(self.m_axil_rresp.val());
                    }
                }
                self.cur.d.next = self.cur.q.val() + 4_u64;
                if self.last_word.val() {
                    self.widx.d.next = 0_u64.into();
                    self.state.d.next = 11_u64.into(); // Send
                } else {
                    self.widx.d.next = self.widx.q.val() + 1_u64;
                    self.state.d.next = 9_u64.into(); // Axi
                }
            }
        } else if self.state.q.val() == 11_u64 {
            // Send
            self.utx.start.next = true;
            self.crc_tx.feed.next = (self.phase.q.val() != 0_u64) | (self.bidx.q.val() != 0_u64); // Head
            self.state.d.next = 12_u64.into(); // SendWait
            if self.phase.q.val() == 0_u64 {
                // Head
                if self.bidx.q.val() == 2_u64 {
                    self.bidx.d.next = 0_u64.into();
                    if self.is_write.val() {
                        self.phase.d.next = 2_u64.into(); // Status
                    } else {
                        self.phase.d.next = 1_u64.into(); // Words
                    }
                } else {
                    self.bidx.d.next = self.bidx.q.val() + 1_u64;
                }
            } else if self.phase.q.val() == 1_u64 {
                // Words
                self.bidx.d.next = self.bidx.q.val() + 1_u64;
                if self.bidx.q.val() == 3_u64 {
                    // the next word's RAM read starts now: it is
                    // valid long before this byte has left
                    self.widx.d.next = self.widx.q.val() + 1_u64;
                    if self.last_word.val() {
                        self.phase.d.next = 2_u64.into(); // Status
                    }
                }
            } else if self.phase.q.val() == 2_u64 {
                // Status
                self.phase.d.next = 3_u64.into(); // CrcHi
            } else if self.phase.q.val() == 3_u64 {
                // CrcHi
                self.crc_tx.feed.next = false;
                self.phase.d.next = 4_u64.into(); // CrcLo
            } else {
                self.crc_tx.feed.next = false;
                self.phase.d.next = 5_u64.into(); // Done
            }
        } else {
            // SendWait: the UART raised `busy` the clock after `start`
            // (the CRC of the byte sent is done long before the byte)
            if !self.utx.busy.val() & !self.crc_tx.busy.val() {
                if self.phase.q.val() == 5_u64 {
                    // Done
                    self.done_q.d.next = true;
                    self.last_seq.d.next = self.seq.q.val();
                    self.last_write.d.next = self.is_write.val();
                    self.last_status.d.next = self.status.q.val() & 0x7f_u64;
                    self.state.d.next = 0_u64.into(); // Hunt
                } else {
                    self.state.d.next = 11_u64.into(); // Send
                }
            }
        }
        // a framing error or silence drops a request being received
        if (self.state.q.val() != 0_u64) // Hunt
            & (self.state.q.val() != 8_u64) // Check
            & (self.state.q.val() != 9_u64) // Axi
            & (self.state.q.val() != 10_u64) // AxiWait
            & (self.state.q.val() != 11_u64) // Send
            & (self.state.q.val() != 12_u64) // SendWait
            & (self.urx.frame_err.val() | self.urx.silence.val())
        {
            self.bad_q.d.next = true;
            self.state.d.next = 0_u64.into(); // Hunt
        }
        if self.rst.val() {
            self.state.d.next = 0_u64.into(); // Hunt
            self.last_write.d.next = false;
            self.awvalid_q.d.next = false;
            self.wvalid_q.d.next = false;
            self.arvalid_q.d.next = false;
            self.bad_q.d.next = false;
            self.done_q.d.next = false;
        }
        self.m_axil_awaddr.next = self.cur.q.val();
        self.m_axil_araddr.next = self.cur.q.val();
        self.m_axil_awprot.next = 0_u64.into();
        self.m_axil_arprot.next = 0_u64.into();
        self.m_axil_awvalid.next = self.awvalid_q.q.val();
        self.m_axil_wvalid.next = self.wvalid_q.q.val();
        self.m_axil_arvalid.next = self.arvalid_q.q.val();
        self.m_axil_wdata.next = self.ram.read_data.val();
        self.m_axil_wstrb.next = 0xf_u64.into();
        self.m_axil_bready.next = (self.state.q.val() == 10_u64) & self.is_write.val(); // AxiWait
        self.m_axil_rready.next = (self.state.q.val() == 10_u64) & !self.is_write.val(); // AxiWait
        self.bad_frame.next = self.bad_q.q.val();
        self.done.next = self.done_q.q.val();
    }
}
