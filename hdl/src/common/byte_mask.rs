//! `ByteMask`: widens a lane mask to a data mask, each bit of `lanes`
//! repeated over its byte (wiring only, no logic level).

use rust_hdl::prelude::*;

/// `lanes` (8 bits, one per byte lane) to `mask` (64 bits): bits
/// `8*i+7..8*i` of `mask` all equal `lanes[i]`.
#[derive(LogicBlock, Default)]
pub struct ByteMask {
    pub lanes: Signal<In, Bits<8>>,
    pub mask: Signal<Out, Bits<64>>,
}

impl Logic for ByteMask {
    fn update(&mut self) {
        let l = self.lanes.val().to_u64();
        let m = (0..8).fold(0u64, |m, i| m | ((l >> i & 1) * (0xFF << (8 * i))));
        self.mask.next = m.into();
    }

    fn connect(&mut self) {
        self.mask.connect();
    }

    fn hdl(&self) -> Verilog {
        let parts: Vec<String> = (0..8)
            .rev()
            .map(|i| format!("{{8{{lanes[{i}]}}}}"))
            .collect();
        Verilog::Custom(format!("always @(*) mask = {{{}}};\n", parts.join(", ")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn widens_each_lane() {
        let mut uut = ByteMask::default();
        uut.connect_all();
        uut.lanes.next = 0b1000_0101_u64.into();
        assert!(simulate(&mut uut, 10));
        assert_eq!(uut.mask.val().to_u64(), 0xFF00_0000_00FF_00FF);
    }
}
