//! The timing report's wrapper compiles around every block it times:
//! `iverilog -g2005` elaborates `timing_top` for each entry of
//! `ferronic_hdl::timing::BLOCKS` on the emitted `nic_core.v` and the DMA
//! movers (`ferronic_hdl::timing::sources`).

use std::process::Command;

#[test]
fn every_block_wrapper_elaborates_in_iverilog() {
    let map = ferronic_hdl::verilog::regmap(0, 0);
    let v = ferronic_hdl::timing::sources(&ferronic_hdl::verilog::emit(&map).expect("Verilog"));
    let dir = tempfile::tempdir().unwrap();
    for b in ferronic_hdl::timing::BLOCKS {
        let mut d = v.clone();
        d.push_str(&ferronic_hdl::timing::wrapper::wrap(&v, b.module).expect(b.name));
        let f = dir.path().join(format!("{}.v", b.name));
        std::fs::write(&f, d).unwrap();
        let out = Command::new("iverilog")
            .args(["-g2005", "-s", "timing_top", "-o"])
            .arg(dir.path().join("a.out"))
            .arg(&f)
            .output()
            .expect("iverilog (apt-get install iverilog)");
        assert!(
            out.status.success(),
            "{}: {}",
            b.name,
            String::from_utf8_lossy(&out.stderr)
        );
    }
}
