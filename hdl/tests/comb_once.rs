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

// The checker itself, on small hand-written modules.
const TWO_BLOCKS: &str =
    "module top(a, y);\n input wire a;\n output reg y;\n reg c_in; wire c_out;\n\
    top_c c(.i(c_in), .o(c_out));\n\
    always @(*) begin\n c_in = 1'b0;\n if (a) begin\n c_in = c_out;\n end\n y = c_out;\n end\n\
    endmodule\n\
    module top_c(i, o);\n input wire i;\n output reg o;\n\
    always @(*) begin\n o = 1'b1;\n if (i) begin\n o = 1'b0;\n end\n end\nendmodule\n";

#[test]
fn finds_a_default_then_override_read_by_the_child_and_the_parent() {
    let v = ferronic_hdl::comb_once::check(TWO_BLOCKS);
    let got: Vec<(String, String)> = v
        .iter()
        .map(|v| (v.module.clone(), v.signal.clone()))
        .collect();
    assert_eq!(
        got,
        [("top".into(), "c_in".into()), ("top_c".into(), "o".into())]
    );
}

#[test]
fn branches_are_alternatives_and_register_inputs_may_repeat() {
    let v = "module top(a, y);\n input wire a;\n output reg y;\n reg r_d; wire r_q;\n\
        top_r r(.d(r_d), .q(r_q), .clock(a));\n\
        always @(*) begin\n if (a) begin\n y = 1'b1;\n end\n else begin\n y = r_q;\n end\n\
        r_d = 1'b0;\n if (a) r_d = 1'b1;\n\
        case (a)\n 1'b0: y = 1'b0;\n default: y = 1'b1;\n endcase\n end\nendmodule\n\
        module top_r(d, q, clock);\n input wire d;\n output reg q;\n input wire clock;\n\
        always @(posedge clock) begin\n q <= d;\n end\nendmodule\n";
    // y: one assignment per branch of the if, then one per case arm: 2
    let viol = ferronic_hdl::comb_once::check(v);
    assert_eq!(viol.len(), 1, "{viol:?}");
    assert_eq!((viol[0].signal.as_str(), viol[0].times), ("y", 2));
}
