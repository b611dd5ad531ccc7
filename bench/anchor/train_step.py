"""PyTorch anchor for `npm run bench:train -- --anchor`: ms per training step (forward + backward + Adam)
of the same MSIR training graph on this CPU, so the tfjs figure can be read against it in one run.

The model mirrors src/model/graph.ts for the config bench/train.ts passes (conv blocks: conv 'same'
without bias -> BatchNorm -> 2x2 max-pool -> LeakyReLU; extra time max-pool; per-frame dense + LeakyReLU;
BiLSTM concat (CR) / sum (LLD, w2v); attention softmax_t(w.tanh(h_t)); dense + ReLU + dropout; sigmoid
outputs; focal loss). Differences, both in PyTorch's favour: no length masking (every clip full length)
and cuDNN-style fused LSTM kernels (torch.nn.LSTM). Prints one JSON line.

    python3 bench/anchor/train_step.py --config '<MsirConfig JSON>' --batch 32 --frames 300 --steps 5
"""
import argparse
import json
import statistics
import time

import torch
import torch.nn as nn
import torch.nn.functional as F


class Attention(nn.Module):
    def __init__(self, d):
        super().__init__()
        self.w = nn.Linear(d, 1, bias=False)

    def forward(self, h):
        a = torch.softmax(self.w(torch.tanh(h)).squeeze(-1), dim=1)
        return (h * a.unsqueeze(-1)).sum(1)


class BiLstm(nn.Module):
    def __init__(self, d_in, units, merge):
        super().__init__()
        self.lstm = nn.LSTM(d_in, units, batch_first=True, bidirectional=True)
        self.units, self.merge = units, merge

    def forward(self, x):
        y, _ = self.lstm(x)
        return y if self.merge == 'concat' else y[..., : self.units] + y[..., self.units :]


class Msir(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.cfg = cfg
        alpha = cfg['leakyAlpha']
        self.alpha = alpha
        pooled = 0
        if 'cr' in cfg['branches']:
            cr = cfg['cr']
            chans = 2 if cfg['inputs']['logmel'] == '2d' else 3
            convs, bns = [], []
            bands = 40
            for i, f in enumerate(cr['convFilters']):
                k = (5, 3) if i == 0 else (3, 3)
                convs.append(nn.Conv2d(chans, f, k, padding='same', bias=False))
                bns.append(nn.BatchNorm2d(f, eps=1e-3, momentum=0.1))
                chans = f
                bands //= 2
            self.convs, self.bns = nn.ModuleList(convs), nn.ModuleList(bns)
            self.cr_dense = nn.Linear(bands * chans, cr['frameDense'])
            self.cr_lstm = BiLstm(cr['frameDense'], cr['lstmUnits'], 'concat')
            self.cr_att = Attention(2 * cr['lstmUnits'])
            pooled += 2 * cr['lstmUnits']
        if 'lld' in cfg['branches']:
            dims = {'1d': 65, '2d': 130, '3d': 195}[cfg['inputs']['lld']]
            self.lld_lstm = BiLstm(dims, cfg['lld']['lstmUnits'], 'sum')
            self.lld_att = Attention(cfg['lld']['lstmUnits'])
            pooled += cfg['lld']['lstmUnits']
        if 'w2v' in cfg['branches']:
            self.w2v_lstm = BiLstm(cfg['inputs']['w2vHidden'], cfg['w2v']['lstmUnits'], 'sum')
            self.w2v_att = Attention(cfg['w2v']['lstmUnits'])
            pooled += cfg['w2v']['lstmUnits']
        self.head = nn.Linear(pooled, cfg['head']['dense'])
        self.drop = nn.Dropout(cfg['head']['dropout'])
        self.out = nn.Linear(cfg['head']['dense'], 4)

    def forward(self, logmel, lld, w2v):
        cfg, parts = self.cfg, []
        if 'cr' in cfg['branches']:
            x = logmel.permute(0, 3, 1, 2)  # [B, C, T, 40]
            for conv, bn in zip(self.convs, self.bns):
                x = F.leaky_relu(F.max_pool2d(bn(conv(x)), 2), self.alpha)
            p = cfg['cr']['timePool']
            if p > 1:
                x = F.max_pool2d(x, (p, 1))
            b, c, t, f = x.shape
            x = x.permute(0, 2, 3, 1).reshape(b, t, f * c)
            x = F.leaky_relu(self.cr_dense(x), self.alpha)
            parts.append(self.cr_att(self.cr_lstm(x)))
        for name, x0 in (('lld', lld), ('w2v', w2v)):
            if name not in cfg['branches']:
                continue
            p = cfg[name]['timePool']
            x = F.avg_pool1d(x0.transpose(1, 2), p).transpose(1, 2) if p > 1 else x0
            parts.append(getattr(self, f'{name}_att')(getattr(self, f'{name}_lstm')(x)))
        h = self.drop(F.relu(self.head(torch.cat(parts, 1))))
        return self.out(h)


def focal(logits, y, theta=2.0):
    p = torch.sigmoid(logits)
    pt = torch.where(y > 0.5, p, 1 - p).clamp_min(1e-7)
    return (-(1 - pt) ** theta * torch.log(pt)).mean()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--config', required=True)
    ap.add_argument('--batch', type=int, default=32)
    ap.add_argument('--frames', type=int, default=300)
    ap.add_argument('--steps', type=int, default=5)
    ap.add_argument('--threads', type=int, default=0, help='torch threads (0: torch default)')
    a = ap.parse_args()
    if a.threads > 0:
        torch.set_num_threads(a.threads)
    torch.manual_seed(1)
    cfg = json.loads(a.config)
    model = Msir(cfg)
    opt = torch.optim.Adam(model.parameters(), 1e-3)
    B, T = a.batch, a.frames
    chans = 2 if cfg['inputs']['logmel'] == '2d' else 3
    logmel = torch.randn(B, T, 40, chans)
    lld = torch.randn(B, T, {'1d': 65, '2d': 130, '3d': 195}[cfg['inputs']['lld']])
    w2v = torch.randn(B, T // 2, cfg['inputs']['w2vHidden'])
    y = F.one_hot(torch.arange(B) % 4, 4).float()
    wall, cpu = [], []
    for s in range(a.steps + 1):
        c0, t0 = time.process_time(), time.perf_counter()
        opt.zero_grad()
        loss = focal(model(logmel, lld, w2v), y)
        loss.backward()
        opt.step()
        loss.item()
        if s > 0:
            wall.append((time.perf_counter() - t0) * 1000)
            cpu.append((time.process_time() - c0) * 1000)
    print(json.dumps({'torch': torch.__version__, 'threads': torch.get_num_threads(), 'medianWallMs': statistics.median(wall), 'minWallMs': min(wall), 'medianCpuMs': statistics.median(cpu)}))


if __name__ == '__main__':
    main()
