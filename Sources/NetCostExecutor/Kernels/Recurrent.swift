import NetCost

// The LSTM: per direction and sample, one step at a time, the four gates from the step's
// input and the last hidden state (PyTorch's gate order: input, forget, cell, output),
// then the cell and hidden state. The state lives in the kernel; every step's hidden
// state is written to the output.

enum LSTMKernel {
    static func run<P: Probe>(_ lstm: LSTM, inputs: [Tensor], parameters: LayerParameters, output: Tensor, probe: inout P) {
        let x = inputs[0], hidden = lstm.hiddenSize, gateCount = 4 * hidden
        let (steps, batch, features) = lstm.batchFirst ? (x.dims[1], x.dims[0], x.dims[2]) : (x.dims[0], x.dims[1], x.dims[2])
        let directions = lstm.directions
        guard let w = parameters.pointer(.weight), let r = parameters.pointer(.recurrentWeight),
              let wSlot = parameters.slot(.weight), let rSlot = parameters.slot(.recurrentWeight) else { return }
        let biases = (parameters.pointer(.bias), parameters.pointer(.recurrentBias))
        let biasSlots = (parameters.slot(.bias), parameters.slot(.recurrentBias))
        let sigmoid = Activation.Function.sigmoid, tanh = Activation.Function.tanh
        // Flat offsets of x[t, n], y[t, d, n] and a state [d, n] in either layout.
        let inputOffset = { (t: Int, n: Int) in lstm.batchFirst ? (n * steps + t) * features : (t * batch + n) * features }
        let outputOffset = { (t: Int, d: Int, n: Int) in
            lstm.batchFirst ? ((n * steps + t) * directions + d) * hidden : ((t * directions + d) * batch + n) * hidden
        }
        let stateOffset = { (d: Int, n: Int) in lstm.batchFirst ? (n * directions + d) * hidden : (d * batch + n) * hidden }
        var gates = [Float](repeating: 0, count: gateCount)
        var h = [Float](repeating: 0, count: hidden), c = [Float](repeating: 0, count: hidden)
        for d in 0..<directions {
            let backward = lstm.direction == .reverse || d == 1
            let wd = w + d * gateCount * features, rd = r + d * gateCount * hidden
            for n in 0..<batch {
                let state = stateOffset(d, n)
                for j in 0..<hidden {
                    h[j] = inputs.count > 1 ? inputs[1].pointer[state + j] : 0
                    c[j] = inputs.count > 2 ? inputs[2].pointer[state + j] : 0
                }
                if inputs.count > 1 { probe.readInputs(1, state..<state + hidden) }
                if inputs.count > 2 { probe.readInputs(2, state..<state + hidden) }
                for step in 0..<steps {
                    let t = backward ? steps - 1 - step : step
                    let xt = x.pointer + inputOffset(t, n)
                    probe.readInputs(0, inputOffset(t, n)..<inputOffset(t, n) + features)
                    for gate in 0..<gateCount {
                        var sum: Float = 0
                        if let wb = biases.0, let rb = biases.1, let wbSlot = biasSlots.0, let rbSlot = biasSlots.1 {
                            sum = wb[d * gateCount + gate] + rb[d * gateCount + gate]
                            probe.readParameter(wbSlot, d * gateCount + gate)
                            probe.readParameter(rbSlot, d * gateCount + gate)
                        }
                        let wRow = wd + gate * features, rRow = rd + gate * hidden
                        for k in 0..<features { sum += wRow[k] * xt[k] }
                        for k in 0..<hidden { sum += rRow[k] * h[k] }
                        gates[gate] = sum
                    }
                    probe.readParameters(wSlot, d * gateCount * features..<(d + 1) * gateCount * features)
                    probe.readParameters(rSlot, d * gateCount * hidden..<(d + 1) * gateCount * hidden)
                    probe.multiplyAdds(gateCount * (features + hidden))
                    let y = outputOffset(t, d, n)
                    for j in 0..<hidden {
                        let input = sigmoid.apply(gates[j]), forget = sigmoid.apply(gates[hidden + j])
                        let cell = tanh.apply(gates[2 * hidden + j]), out = sigmoid.apply(gates[3 * hidden + j])
                        c[j] = forget * c[j] + input * cell
                        h[j] = out * tanh.apply(c[j])
                        output.pointer[y + j] = h[j]
                    }
                    probe.writes(y..<y + hidden)
                }
            }
        }
    }
}
