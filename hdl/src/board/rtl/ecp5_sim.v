// Simulation stand-ins for the ECP5 I/O primitives the RGMII side uses
// (port names of the Lattice ECP5 libraries: IDDRX1F D SCLK RST Q0 Q1,
// ODDRX1F D0 D1 SCLK RST Q, DELAYG A Z with DEL_MODE and DEL_VALUE).
// For Verilator only: synthesis (yosys synth_ecp5) maps the real cells.
// Behaviour modelled, not timing: IDDRX1F presents the value sampled at a
// rising edge (Q0) with the one sampled at the falling edge after it (Q1)
// from the next rising edge; ODDRX1F drives D0 while SCLK is high and D1
// while it is low, both taken at the rising edge; DELAYG passes A through.

module IDDRX1F (
    input  wire D,
    input  wire SCLK,
    input  wire RST,
    output reg  Q0,
    output reg  Q1
);
    reg pos;
    reg neg;
    always @(posedge SCLK) begin
        if (RST) begin
            pos <= 1'b0;
            Q0  <= 1'b0;
            Q1  <= 1'b0;
        end else begin
            pos <= D;
            Q0  <= pos;
            Q1  <= neg;
        end
    end
    always @(negedge SCLK) neg <= D;
endmodule

module ODDRX1F (
    input  wire D0,
    input  wire D1,
    input  wire SCLK,
    input  wire RST,
    output wire Q
);
    reg r0;
    reg r1;
    always @(posedge SCLK) begin
        r0 <= RST ? 1'b0 : D0;
        r1 <= RST ? 1'b0 : D1;
    end
    assign Q = SCLK ? r0 : r1;
endmodule

module DELAYG #(
    parameter DEL_MODE = "USER_DEFINED",
    parameter DEL_VALUE = 0
) (
    input  wire A,
    output wire Z
);
    // a tap count the part cannot do is an error here too
    initial if (DEL_VALUE < 0 || DEL_VALUE > 127 || DEL_MODE == "") $error("DELAYG DEL_VALUE");
    assign Z = A;
endmodule
