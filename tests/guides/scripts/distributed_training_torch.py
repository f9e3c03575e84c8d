"""Multi-process data-parallel training with PyTorch, in the idiom of Keras 3's guide (own code).

A Keras model is a torch module on the torch backend, so torch's DistributedDataParallel wraps it
directly, a torch optimizer steps its parameters, and a DistributedSampler gives each process its
share of the data. The guide uses one process per GPU with NCCL; here two CPU processes use gloo.
"""
import os
import socket

import numpy as np
import torch
import keras

NUM_PROCESSES = 2
BATCH_SIZE = 16
EPOCHS = 2


def get_model():
    inputs = keras.Input((12, 12, 1))
    x = keras.layers.Conv2D(8, 3, activation="relu")(inputs)
    x = keras.layers.GlobalAveragePooling2D()(x)
    x = keras.layers.Dense(16, activation="relu")(x)
    return keras.Model(inputs, keras.layers.Dense(4)(x))  # logits for torch's CrossEntropyLoss


def get_dataset():
    rng = np.random.default_rng(0)
    images = rng.random((128, 12, 12, 1)).astype("float32")
    labels = (images.mean(axis=(1, 2, 3)) * 4).astype("int64").clip(0, 3)
    return torch.utils.data.TensorDataset(torch.from_numpy(images), torch.from_numpy(labels))


def train_model(model, dataloader, optimizer, loss_fn, rank):
    for epoch in range(EPOCHS):
        dataloader.sampler.set_epoch(epoch)
        total, batches = 0.0, 0
        for inputs, targets in dataloader:
            outputs = model(inputs)
            loss = loss_fn(outputs, targets)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            total += float(loss)
            batches += 1
        print(f"rank {rank} epoch {epoch + 1}: {batches} batches, mean loss {total / batches:.4f}", flush=True)


def per_process_launch_fn(rank, num_processes, port):
    os.environ["MASTER_ADDR"] = "127.0.0.1"
    os.environ["MASTER_PORT"] = str(port)
    torch.set_num_threads(1)
    torch.distributed.init_process_group(backend="gloo", init_method="env://", world_size=num_processes,
                                         rank=rank)
    torch.manual_seed(0)  # the same initial weights in every process; DDP also broadcasts rank 0's
    dataset = get_dataset()
    sampler = torch.utils.data.distributed.DistributedSampler(dataset, num_replicas=num_processes, rank=rank,
                                                              shuffle=True)
    dataloader = torch.utils.data.DataLoader(dataset, sampler=sampler, batch_size=BATCH_SIZE)
    model = get_model()
    ddp_model = torch.nn.parallel.DistributedDataParallel(model)
    optimizer = torch.optim.Adam(ddp_model.parameters(), lr=1e-2)
    train_model(ddp_model, dataloader, optimizer, torch.nn.CrossEntropyLoss(), rank)

    # Every process holds the same weights after training: gather a checksum from each.
    checksum = torch.tensor([sum(float(w.detach().sum()) for w in model.trainable_weights)])
    gathered = [torch.zeros(1) for _ in range(num_processes)]
    torch.distributed.all_gather(gathered, checksum)
    if rank == 0:
        print("weights agree across processes:", bool(torch.allclose(torch.cat(gathered), checksum.repeat(
            num_processes), atol=1e-5)))
        print("trainable weights:", len(model.trainable_weights), "torch parameters:",
              len(list(model.parameters())))
        model.save("ddp_model.keras")  # one process writes the file
    torch.distributed.barrier()
    torch.distributed.destroy_process_group()


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


if __name__ == "__main__":
    print("backend:", keras.backend.backend())
    torch.multiprocessing.start_processes(per_process_launch_fn, args=(NUM_PROCESSES, free_port()),
                                          nprocs=NUM_PROCESSES, join=True, start_method="fork")
    restored = keras.models.load_model("ddp_model.keras")
    probe = get_dataset().tensors[0][:4].numpy()
    print("restored model predicts:", restored.predict(probe, verbose=0).shape)
    print("GUIDE OK")
