//! The emitted `nic_core` keeps the assign-once rule
//! (`ferronic_hdl::comb_once`): no signal another block reads is assigned
//! twice in one evaluation, so event-driven simulators (Icarus, xsim) do not
//! spin inside one time step.

#[test]
fn nic_core_assigns_every_shared_signal_once_per_evaluation() {
    let map = ferronic_hdl::verilog::regmap(0, 0);
    let v = ferronic_hdl::verilog::emit(&map).unwrap();
    let found = ferronic_hdl::comb_once::check(&v);
    let list: Vec<String> = found.iter().map(ToString::to_string).collect();
    assert!(
        found.is_empty(),
        "{} violations:\n{}",
        found.len(),
        list.join("\n")
    );
}
